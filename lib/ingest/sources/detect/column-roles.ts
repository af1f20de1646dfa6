// Which column of a hand-rolled idempotency table plays which role (docs/presets.md, "A table
// nobody ships a preset for"): from its name (in any case or spelling: idempotency_key,
// idempotencyKey, idem_key), its type, the unique key the idempotency key belongs to, and the
// values a status column holds. Pure: the facts come from table-facts.ts.
import type { ColumnFacts, TableFacts } from "./table-facts";

export const ROLES = [
  "key",
  "scope",
  "method",
  "path",
  "requestHash",
  "requestPayload",
  "status",
  "recoveryPoint",
  "responseCode",
  "responseBody",
  "lockedAt",
  "lockedUntil",
  "lockOwner",
  "createdAt",
  "updatedAt",
  "completedAt",
  "expiresAt",
] as const;
export type Role = (typeof ROLES)[number];

/** A role's column(s) and why they were taken. */
export type Found = { columns: ColumnFacts[]; why: string };
export type RoleMap = Partial<Record<Role, Found>>;

const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

// names (normalized), best first
const NAMES: Record<Exclude<Role, "scope">, string[]> = {
  key: ["idempotencykey", "idemkey", "idempotencytoken", "idempotencyid", "requestkey", "key"],
  method: ["method", "requestmethod", "httpmethod", "verb"],
  path: ["endpoint", "route", "path", "requestpath", "operation", "action", "uri", "url", "tool"],
  requestHash: [
    "requesthash",
    "fingerprint",
    "payloadhash",
    "bodyhash",
    "requestfingerprint",
    "requestdigest",
    "hash",
    "checksum",
  ],
  requestPayload: ["requestparams", "requestbody", "request", "params", "requestpayload"],
  status: ["status", "state", "idempotencystatus", "phase"],
  recoveryPoint: ["recoverypoint", "step", "stage"],
  responseCode: [
    "responsecode",
    "statuscode",
    "responsestatus",
    "responsestatuscode",
    "httpstatus",
    "httpstatuscode",
    "httpcode",
  ],
  responseBody: [
    "responsebody",
    "response",
    "responsejson",
    "responsepayload",
    "body",
    "result",
    "responsedata",
    "payload",
  ],
  lockedAt: ["lockedat", "lockacquiredat", "claimedat", "startedat"],
  lockedUntil: ["lockeduntil", "lockexpiresat", "leaseuntil", "leaseexpiresat"],
  lockOwner: ["lockedby", "lockowner", "owner", "worker"],
  createdAt: [
    "createdat",
    "firstseenat",
    "insertedat",
    "created",
    "createdon",
    "requestedat",
    "receivedat",
  ],
  updatedAt: ["updatedat", "lastrunat", "lastseenat", "lastattemptat", "modifiedat", "updated"],
  completedAt: ["completedat", "processedat", "finishedat", "respondedat", "succeededat", "doneat"],
  expiresAt: ["expiresat", "expireat", "expirationtime", "expiration", "expiry", "expires"],
};

// who a key belongs to, best first: the namespace of the key when no unique key says it
const SCOPE_NAMES = [
  "scope",
  "tenantid",
  "accountid",
  "clientid",
  "customerid",
  "merchantid",
  "workspaceid",
  "organizationid",
  "orgid",
  "projectid",
  "userid",
  "apikeyid",
  "pubkey",
  "principal",
  "subject",
];

const TEXTUAL = /^(text|character varying|character|varchar|char|uuid|citext)/;
const INTEGER = /^(integer|smallint|bigint)$/;
const TIME = /^timestamp/;
const BODY = /^(jsonb|json|text|character varying|bytea)/;

const TYPE_OK: Partial<Record<Role, RegExp>> = {
  key: TEXTUAL,
  method: TEXTUAL,
  path: TEXTUAL,
  requestHash: /^(text|character varying|character|bytea|uuid)/,
  requestPayload: /^(jsonb|json|text|character varying|bytea)/,
  status: /^(text|character varying|character)$/,
  recoveryPoint: TEXTUAL,
  responseCode: INTEGER,
  responseBody: BODY,
  lockedAt: TIME,
  lockedUntil: TIME,
  lockOwner: TEXTUAL,
  createdAt: TIME,
  updatedAt: TIME,
  completedAt: TIME,
  expiresAt: TIME,
};

/** An enum's type is printed as its own name: a column with an enum's labels may be a status. */
function typeFits(role: Role, c: ColumnFacts): boolean {
  if (role === "status" && c.allowed) return true;
  return TYPE_OK[role]?.test(c.type) ?? true;
}

function byName(role: Exclude<Role, "scope">, columns: ColumnFacts[], taken: Set<string>) {
  for (const name of NAMES[role]) {
    const c = columns.find((x) => norm(x.name) === name && !taken.has(x.name) && typeFits(role, x));
    if (c) return c;
  }
  return undefined;
}

/** The roles of the table's columns; a column plays one role at most. */
export function recognizeRoles(t: TableFacts): RoleMap {
  const roles: RoleMap = {};
  const taken = new Set<string>();
  const take = (role: Role, columns: ColumnFacts[], why: string) => {
    roles[role] = { columns, why };
    for (const c of columns) taken.add(c.name);
  };
  // an integer "status" is a response code (status_code's short form), not a state
  const statusInt = t.columns.find((c) => norm(c.name) === "status" && INTEGER.test(c.type));
  if (statusInt)
    take("responseCode", [statusInt], "an integer named status: the HTTP status answered");
  for (const role of ["key", "method", "path"] as const) {
    const c = byName(role, t.columns, taken);
    if (c) take(role, [c], `named ${c.name} (${c.type})`);
  }
  // the key's namespace: the other columns of the smallest unique key that holds the key
  const key = roles.key?.columns[0];
  const unique = key
    ? t.uniqueKeys.filter((u) => u.includes(key.name)).sort((a, b) => a.length - b.length)[0]
    : undefined;
  const endpointColumns = new Set(
    [roles.method, roles.path].flatMap((f) => f?.columns ?? []).map((c) => c.name),
  );
  // (a partitioned table's primary key holds its partition column, a time: not the caller)
  const otherRole = new Set(Object.values(NAMES).flat());
  const namespace = (unique ?? [])
    .filter((n) => n !== key?.name && !endpointColumns.has(n))
    .map((n) => t.columns.find((c) => c.name === n)!)
    .filter((c) => c && !taken.has(c.name) && !TIME.test(c.type) && !otherRole.has(norm(c.name)));
  if (namespace.length > 0)
    take("scope", namespace, `the key is unique within ${namespace.map((c) => c.name).join(", ")}`);
  else {
    const c = SCOPE_NAMES.map((n) =>
      t.columns.find((x) => norm(x.name) === n && !taken.has(x.name)),
    ).find(Boolean);
    if (c) take("scope", [c], `named ${c.name}, though the key is unique without it`);
  }
  for (const role of ROLES) {
    if (roles[role] || role === "scope" || role === "key" || role === "method" || role === "path")
      continue;
    const c = byName(role, t.columns, taken);
    if (c) take(role, [c], `named ${c.name} (${c.type})`);
  }
  return roles;
}

// the words of each state, on a value lower-cased with everything but letters and digits removed
// ("IN_PROGRESS" → inprogress); propose-preset.ts matches the same words in SQL, so a value the
// sample did not hold is still read right
export const STATE_WORDS = {
  in_progress:
    "inprogress|processing|pending|started|running|locked|claimed|inflight|executing|active|new|created",
  completed:
    "completed?|succeeded|success|successful|done|finished|ok|processed|fulfilled|stored|responded",
  failed: "failed|failure|error|errored|aborted|cancell?ed|rejected|timedout|timeout",
} as const;

/** How a value of a status column reads: in progress, completed or failed; null: unclear. */
export function statusKind(value: string): keyof typeof STATE_WORDS | null {
  const v = norm(value);
  for (const kind of ["in_progress", "completed", "failed"] as const)
    if (new RegExp(`^(${STATE_WORDS[kind]})$`).test(v)) return kind;
  return null;
}
