// A preset proposed for a table nobody ships one for (`npm run connect -- --detect`): each
// contract column derived from the roles column-roles.ts recognised, what each panel will see,
// what could not be mapped and why, and the questions only the table's owner can answer. The
// proposal is a preset file like any other (lib/contract/preset.ts): review it, then
// `npm run connect -- --preset FILE --apply`.
import { escapeLiteral } from "pg";
import { DEFAULT_LOCK_TIMEOUT_SECONDS } from "../../../core/config";
import { presetSchema, type DerivedColumn, type Preset } from "../../../contract/preset";
import { recognizeRoles, STATE_WORDS, statusKind, type Role, type RoleMap } from "./column-roles";
import { ident, type ColumnFacts, type TableFacts } from "./table-facts";

export type Proposal = {
  preset: Preset;
  roles: RoleMap;
  /** the roles no column plays, each with what follows from it */
  unmapped: { role: Role; consequence: string }[];
  questions: string[];
  /** whether `connect --apply` can use it as written: a key and a creation (or expiry) time */
  usable: boolean;
};

type Derive = Record<DerivedColumn | "attempt_marker", string>;
const LOCK_TIMEOUT = DEFAULT_LOCK_TIMEOUT_SECONDS;
const ref = (c: ColumnFacts | undefined) => (c ? `r.${ident(c.name)}` : null);
const first = (roles: RoleMap, role: Role) => roles[role]?.columns[0];

/** A timestamp as timestamptz: one without a zone is read as UTC (asked once, for all of them). */
function instant(c: ColumnFacts | undefined, zoneless: string[]): string | null {
  if (!c) return null;
  if (c.type === "timestamp with time zone") return ref(c);
  zoneless.push(c.name);
  return `(${ref(c)} AT TIME ZONE 'UTC')`;
}

type StateProposal = {
  status: string;
  /** whether a key can be in progress (so there is something to release) */
  inProgress: boolean;
  /** the status value that means failed, when one is known (for the fail action) */
  failedValue: string | null;
  questions: string[];
};

/** The state: from a status column's words, else from whether the response is stored yet. */
function stateOf(roles: RoleMap, code: string | null): StateProposal {
  const statusCol = first(roles, "status");
  const body = first(roles, "responseBody");
  if (statusCol) {
    const values = [...new Set([...(statusCol.allowed ?? []), ...statusCol.seen])];
    const kinds = values.map((v) => [v, statusKind(v)] as const);
    // matched by word in SQL, not by the values sampled: a state the sample missed reads right too
    const word = `lower(regexp_replace(${ref(statusCol)}::text, '[^A-Za-z0-9]', '', 'g'))`;
    const unclear = kinds.filter(([, k]) => k === null).map(([v]) => v);
    return {
      status: `CASE WHEN ${word} ~ '^(${STATE_WORDS.in_progress})$' THEN 'in_progress' WHEN ${word} ~ '^(${STATE_WORDS.failed})$' THEN 'failed' ${code ? `WHEN ${code} >= 500 THEN 'failed' ` : ""}ELSE 'completed' END`,
      inProgress: values.length === 0 || kinds.some(([, k]) => k === "in_progress"),
      failedValue: kinds.find(([, k]) => k === "failed")?.[0] ?? null,
      questions: [
        ...(unclear.length
          ? [
              `${statusCol.name} holds ${unclear.map((v) => `'${v}'`).join(", ")}, read as completed: say which mean in progress or failed.`,
            ]
          : []),
        ...(values.length === 0
          ? [
              `${statusCol.name} held no value to read (an empty table, no enum or CHECK): its states are read by their words (in_progress, processing, done, failed, …); check them.`,
            ]
          : []),
      ],
    };
  }
  const codeCol = first(roles, "responseCode");
  if (code && codeCol && !codeCol.notNull)
    return {
      status: `CASE WHEN ${code} IS NULL THEN 'in_progress' WHEN ${code} >= 500 THEN 'failed' ELSE 'completed' END`,
      inProgress: true,
      failedValue: null,
      questions: [],
    };
  if (body && !body.notNull)
    return {
      status: `CASE WHEN ${ref(body)} IS NULL THEN 'in_progress' ${code ? `WHEN ${code} >= 500 THEN 'failed' ` : ""}ELSE 'completed' END`,
      inProgress: true,
      failedValue: null,
      questions: [],
    };
  return {
    status: code ? `CASE WHEN ${code} >= 500 THEN 'failed' ELSE 'completed' END` : "'completed'",
    inProgress: false,
    failedValue: null,
    questions: [
      "Every row is written with its response, so a key is seen only once its work is done: in-progress and stuck keys are not visible. If the service inserts the row before the work, say which column tells the two apart.",
    ],
  };
}

/** The row's 64-bit id: its integer primary key, else a hash of its key columns. */
function idOf(t: TableFacts, fallback: ColumnFacts[]): string {
  const pk = t.primaryKey.map((n) => t.columns.find((c) => c.name === n)!);
  if (pk.length === 1 && /^(integer|bigint|smallint)$/.test(pk[0]!.type)) return ref(pk[0])!;
  const parts = (pk.length ? pk : fallback).map((c) => `coalesce(${ref(c)}::text, '')`);
  return `hashtextextended(${parts.join(" || chr(31) || ") || "''"}, 0)`;
}

function derivations(t: TableFacts, roles: RoleMap, zoneless: string[], questions: string[]) {
  const times = {
    created: instant(first(roles, "createdAt"), zoneless),
    updated: instant(first(roles, "updatedAt"), zoneless),
    completed: instant(first(roles, "completedAt"), zoneless),
    expires: instant(first(roles, "expiresAt"), zoneless),
    lockedUntil: instant(first(roles, "lockedUntil"), zoneless),
  };
  const lockedAt =
    instant(first(roles, "lockedAt"), zoneless) ??
    (times.lockedUntil ? `(${times.lockedUntil} - interval '${LOCK_TIMEOUT} seconds')` : null);
  if (times.lockedUntil)
    questions.push(
      `${first(roles, "lockedUntil")!.name} holds when a lock ends: the lock is taken to start ${LOCK_TIMEOUT} s before it. Set the service's lock duration in lockTimeoutSeconds and in the interval of derive.locked_at.`,
    );
  let createdAt = times.created;
  if (!createdAt && times.expires) {
    createdAt = `(${times.expires} - interval '24 hours')`;
    questions.push(
      "The table keeps no creation time: it is taken as the expiry minus a TTL of 24 hours. Set the service's TTL in derive.created_at.",
    );
  }
  const code = ref(first(roles, "responseCode"));
  const state = stateOf(roles, code);
  questions.push(...state.questions);
  const method = ref(first(roles, "method"));
  const path = ref(first(roles, "path"));
  const scopeCols = roles.scope?.columns ?? [];
  const keyCol = first(roles, "key");
  const hash = first(roles, "requestHash");
  const payload = first(roles, "requestPayload");
  const body = first(roles, "responseBody");
  const owner = ref(first(roles, "lockOwner"));
  const derive: Derive = {
    id: idOf(t, [...scopeCols, ...(keyCol ? [keyCol] : [])]),
    scope: scopeCols.length
      ? scopeCols.map((c) => `coalesce(${ref(c)}::text, '?')`).join(" || '/' || ")
      : "'(none)'",
    key: keyCol ? `${ref(keyCol)}::text` : "NULL",
    endpoint:
      method && path
        ? `coalesce(${method}, '?') || ' ' || coalesce(${path}, '?')`
        : (path ?? method ?? "'(unknown)'"),
    request_hash: hash
      ? hash.type === "bytea"
        ? `encode(${ref(hash)}, 'hex')`
        : `${ref(hash)}::text`
      : payload
        ? `md5(coalesce(${ref(payload)}::text, ''))`
        : "NULL",
    status: state.status,
    recovery_point: ref(first(roles, "recoveryPoint")) ?? "NULL",
    // no lock time: an in-progress key's age runs from its last write
    locked_at: lockedAt ?? (state.inProgress ? (times.updated ?? createdAt ?? "NULL") : "NULL"),
    lock_owner: owner ? `${owner}::text` : "NULL",
    response_code: code ? `${code}::int` : "NULL",
    response_body: !body
      ? "NULL"
      : /^jsonb?$/.test(body.type)
        ? `${ref(body)}::jsonb`
        : body.type === "bytea"
          ? "NULL"
          : `to_jsonb(${ref(body)}::text)`,
    attempts: "NULL",
    created_at: createdAt ?? "NULL",
    updated_at: times.updated ?? lockedAt ?? createdAt ?? "NULL",
    completed_at: times.completed ?? "NULL",
    expires_at: times.expires ?? "'infinity'::timestamptz",
    // only a lock stamp marks a new attempt: any other write (a step, a bumped "last seen") would
    // read as a reclaim
    attempt_marker: lockedAt ?? "NULL",
  };
  if (!lockedAt && state.inProgress)
    questions.push(
      "The table keeps no lock time: an in-progress key's age is counted from its last write. Set lockTimeoutSeconds to how long a request may run before a retry may take it over.",
    );
  return { derive, state, usable: Boolean(keyCol && createdAt), hasExpiry: !!times.expires };
}

function actionsOf(roles: RoleMap, state: StateProposal): Preset["actions"] {
  const statusCol = first(roles, "status");
  const codeCol = first(roles, "responseCode");
  const body = first(roles, "responseBody");
  const lock = first(roles, "lockedAt");
  const failSet =
    statusCol && state.failedValue && codeCol
      ? [
          `${ident(statusCol.name)} = ${escapeLiteral(state.failedValue)}`,
          `${ident(codeCol.name)} = 500`,
          ...(body && /^jsonb?$/.test(body.type)
            ? [`${ident(body.name)} = {failed_response}`]
            : []),
          ...(lock ? [`${ident(lock.name)} = NULL`] : []),
        ].join(", ")
      : null;
  return {
    release: state.inProgress
      ? {
          kind: "delete",
          explanation:
            "Deletes the key's row: the client's next retry claims the key anew and runs the work again. Proposed by --detect: confirm the service treats a vanished key as new.",
        }
      : {
          kind: "unavailable",
          reason: "the table shows no key in progress, so there is nothing to release",
        },
    fail: failSet
      ? {
          kind: "update",
          set: failSet,
          explanation: `Stores a terminal 500 (${statusCol!.name} = '${state.failedValue}'): every retry gets that answer and the work never runs again. Proposed by --detect: confirm the service answers a retry from this state.`,
        }
      : {
          kind: "unavailable",
          reason: "the table has no failed state with a response code that idemscope could write",
        },
  };
}

function unmappedOf(roles: RoleMap, derive: Derive): Proposal["unmapped"] {
  const out: Proposal["unmapped"] = [];
  const missing = (role: Role, consequence: string) => {
    if (!roles[role]) out.push({ role, consequence });
  };
  missing("key", "without an idempotency key column there is nothing to follow: no preset");
  missing(
    "createdAt",
    "no creation time: first requests are placed at the expiry minus a TTL, or not at all",
  );
  missing("scope", "no column names the caller: every key counts as one client, '(none)'");
  if (!roles.method && !roles.path)
    out.push({
      role: "path",
      consequence: "no column names the endpoint: every key is on one endpoint, '(unknown)'",
    });
  missing("responseCode", "no response code: failures cannot be told from successes");
  missing("expiresAt", "no expiry time: 'expired, not purged' and the TTL advisor are unavailable");
  if (derive.attempt_marker === "NULL")
    out.push({
      role: "lockedAt",
      consequence:
        "no lock time: a retry that runs the work again (a reclaim) writes nothing visible",
    });
  return out;
}

export function proposePreset(t: TableFacts): Proposal {
  const roles = recognizeRoles(t);
  const questions: string[] = [];
  const zoneless: string[] = [];
  const { derive, state, usable, hasExpiry } = derivations(t, roles, zoneless, questions);
  if (zoneless.length)
    questions.unshift(
      `${zoneless.join(", ")} ${zoneless.length === 1 ? "is a timestamp" : "are timestamps"} without time zone, read as UTC. If the service writes local time, change AT TIME ZONE 'UTC' in the derivations.`,
    );
  const scopeCol = roles.scope?.columns;
  if (scopeCol?.length === 1 && /^scope$/i.test(scopeCol[0]!.name) && !roles.path)
    questions.push(
      `"${scopeCol[0]!.name}" is read as the caller (the client). If it names the operation instead (e.g. payments.create), move it to derive.endpoint.`,
    );
  const unmapped = unmappedOf(roles, derive);
  const used = new Set(Object.values(roles).flatMap((f) => f!.columns.map((c) => c.name)));
  // what was not mapped comes first: the notes hold ten at most
  const notes = [
    `Proposed by npm run connect -- --detect from the table's columns, keys and ${t.sampled} sampled rows: review each derivation before --apply.`,
    ...(unmapped.length
      ? [`Not mapped: ${unmapped.map((u) => `${u.role} (${u.consequence})`).join("; ")}`]
      : []),
    ...questions.map((q) => `Question: ${q}`),
  ].map((n) => (n.length > 400 ? `${n.slice(0, 399)}…` : n));
  const slug = t.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const preset = presetSchema.parse({
    name: `detected-${slug}`.slice(0, 41),
    title: `${t.schema}.${t.name} (detected)`,
    library: `a hand-rolled table: ${t.schema}.${t.name}`,
    ddlSource: `the catalog of ${t.schema}.${t.name}, read by npm run connect -- --detect`,
    table: { schema: t.schema, name: t.name },
    columns: Object.fromEntries(
      t.columns.filter((c) => used.has(c.name)).map((c) => [c.name, c.type]),
    ),
    derive,
    lockTimeoutSeconds: LOCK_TIMEOUT,
    sees: {
      claims: true,
      completions: true,
      reclaims:
        derive.attempt_marker !== "NULL"
          ? true
          : "the table keeps no lock time, so a retry that runs the work again changes nothing visible",
      replays: "a retry answered from the stored row writes nothing to the table",
      conflicts: "a request refused while its key is in progress writes nothing to the table",
      mismatches: "a request whose payload differs from the stored one writes nothing to the table",
      expiries: hasExpiry ? true : "the table keeps no expiry time",
      clients: scopeCol?.length ? true : "no column names the caller: every key is one client",
    },
    actions: actionsOf(roles, state),
    notes: notes.slice(0, 10),
  });
  return { preset, roles, unmapped, questions, usable };
}
