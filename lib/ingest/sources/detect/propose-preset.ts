// A preset proposed for a table nobody ships one for (`npm run connect -- --detect`): each
// contract column derived from the roles column-roles.ts recognised, what each panel will see,
// what could not be mapped and why, and the questions only the table's owner can answer. The
// proposal is a preset file like any other (lib/contract/preset.ts): review it, then
// `npm run connect -- --preset FILE --apply`.
import { DEFAULT_LOCK_TIMEOUT_SECONDS } from "../../../core/config";
import { presetSchema, type DerivedColumn, type Preset } from "../../../contract/preset";
import { recognizeRoles, statusKind, type Found, type Role, type RoleMap } from "./column-roles";
import { ident, type ColumnFacts, type TableFacts } from "./table-facts";

export type Proposal = {
  preset: Preset;
  roles: RoleMap;
  /** the roles no column plays, each with what follows from it */
  unmapped: { role: Role; consequence: string }[];
  questions: string[];
  /** whether `connect --apply` can use it as written: a key, a creation time and a state */
  usable: boolean;
};

const col = (f: Found | undefined, i = 0) => (f ? `r.${ident(f.columns[i]!.name)}` : null);
const sqlText = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** A timestamp as timestamptz: one without a zone is read as UTC (a question says so). */
function instant(f: Found | undefined, questions: string[]): string | null {
  const c = f?.columns[0];
  if (!c) return null;
  if (c.type === "timestamp with time zone") return `r.${ident(c.name)}`;
  questions.push(
    `${c.name} is a timestamp without time zone: it is read as UTC. If the service writes local time, change AT TIME ZONE 'UTC' in the derivations.`,
  );
  return `(r.${ident(c.name)} AT TIME ZONE 'UTC')`;
}

function statusValues(c: ColumnFacts): string[] {
  return [...new Set([...(c.allowed ?? []), ...c.seen])];
}

export function proposePreset(t: TableFacts): Proposal {
  const roles = recognizeRoles(t);
  const questions: string[] = [];
  const unmapped: Proposal["unmapped"] = [];
  const missing = (role: Role, consequence: string) => {
    if (!roles[role]) unmapped.push({ role, consequence });
  };
  const created = instant(roles.createdAt, questions);
  const updated = instant(roles.updatedAt, questions);
  const completed = instant(roles.completedAt, questions);
  const expires = instant(roles.expiresAt, questions);
  const lockedUntil = instant(roles.lockedUntil, questions);
  const lockTimeout = DEFAULT_LOCK_TIMEOUT_SECONDS;
  const lockedAt =
    instant(roles.lockedAt, questions) ??
    (lockedUntil ? `(${lockedUntil} - interval '${lockTimeout} seconds')` : null);
  if (lockedUntil)
    questions.push(
      `${roles.lockedUntil!.columns[0]!.name} holds when a lock ends: the lock is taken to start lockTimeoutSeconds (${lockTimeout} s) before it. Set lockTimeoutSeconds to the service's lock duration.`,
    );
  const code = col(roles.responseCode);
  const body = roles.responseBody?.columns[0];
  const statusCol = roles.status?.columns[0];

  // the state: from a status column's values, else from whether the response is stored yet
  let status: string;
  let inProgressSeen = false;
  let failedValue: string | null = null;
  if (statusCol) {
    const values = statusValues(statusCol);
    const kinds = new Map(values.map((v) => [v, statusKind(v)]));
    const inProgress = values.filter((v) => kinds.get(v) === "in_progress");
    const failed = values.filter((v) => kinds.get(v) === "failed");
    const unclear = values.filter((v) => kinds.get(v) === null);
    inProgressSeen = inProgress.length > 0;
    failedValue = failed[0] ?? null;
    const s = `r.${ident(statusCol.name)}::text`;
    const whens = [
      ...(inProgress.length
        ? [`WHEN ${s} IN (${inProgress.map(sqlText).join(", ")}) THEN 'in_progress'`]
        : []),
      ...(failed.length ? [`WHEN ${s} IN (${failed.map(sqlText).join(", ")}) THEN 'failed'`] : []),
      ...(code ? [`WHEN ${code} >= 500 THEN 'failed'`] : []),
    ];
    status = whens.length ? `CASE ${whens.join(" ")} ELSE 'completed' END` : "'completed'";
    if (unclear.length)
      questions.push(
        `${statusCol.name} holds ${unclear.map((v) => `'${v}'`).join(", ")}, read as completed: say which mean in progress or failed.`,
      );
    if (values.length === 0)
      questions.push(
        `${statusCol.name} held no value to read (an empty table, no enum or CHECK): which values mean in progress and failed?`,
      );
  } else if (code && !roles.responseCode!.columns[0]!.notNull) {
    inProgressSeen = true;
    status = `CASE WHEN ${code} IS NULL THEN 'in_progress' WHEN ${code} >= 500 THEN 'failed' ELSE 'completed' END`;
  } else if (body && !body.notNull) {
    inProgressSeen = true;
    status = `CASE WHEN r.${ident(body.name)} IS NULL THEN 'in_progress' ${code ? `WHEN ${code} >= 500 THEN 'failed' ` : ""}ELSE 'completed' END`;
  } else {
    status = code ? `CASE WHEN ${code} >= 500 THEN 'failed' ELSE 'completed' END` : "'completed'";
    questions.push(
      "Every row is written with its response, so a key is seen only once its work is done: in-progress and stuck keys are not visible. If the service inserts the row before the work, say which column tells the two apart.",
    );
  }

  missing("key", "without an idempotency key column there is nothing to follow: no preset");
  missing(
    "createdAt",
    "no creation time: first requests cannot be placed in time (use expiry minus the TTL if there is an expiry)",
  );
  let createdAt = created;
  if (!createdAt && expires) {
    createdAt = `(${expires} - interval '24 hours')`;
    questions.push(
      "The table keeps no creation time: it is taken as the expiry minus a TTL of 24 hours. Set the service's TTL in derive.created_at.",
    );
  }
  missing("scope", "no column names the caller: every key counts as one client, '(none)'");
  if (!roles.method && !roles.path)
    unmapped.push({
      role: "path",
      consequence: "no column names the endpoint: every key is on one endpoint, '(unknown)'",
    });
  missing("responseCode", "no response code: failures cannot be told from successes");
  missing("expiresAt", "no expiry time: 'expired, not purged' and the TTL advisor are unavailable");
  if (!lockedAt && !updated)
    unmapped.push({
      role: "lockedAt",
      consequence:
        "no lock or attempt time: a retry that runs the work again (a reclaim) writes nothing visible",
    });

  const method = col(roles.method);
  const path = col(roles.path);
  const endpoint =
    method && path
      ? `coalesce(${method}, '?') || ' ' || coalesce(${path}, '?')`
      : (path ?? method ?? "'(unknown)'");
  const scopeCols = roles.scope?.columns ?? [];
  const scope = scopeCols.length
    ? scopeCols.map((c) => `coalesce(r.${ident(c.name)}::text, '?')`).join(" || '/' || ")
    : "'(none)'";
  const keyCol = roles.key?.columns[0];
  const pk = t.primaryKey.map((n) => t.columns.find((c) => c.name === n)!);
  const id =
    pk.length === 1 && /^(integer|bigint|smallint)$/.test(pk[0]!.type)
      ? `r.${ident(pk[0]!.name)}`
      : `hashtextextended(${(pk.length ? pk : [...scopeCols, ...(keyCol ? [keyCol] : [])]).map((c) => `coalesce(r.${ident(c.name)}::text, '')`).join(" || chr(31) || ") || "''"}, 0)`;
  const hash = roles.requestHash?.columns[0];
  const payload = roles.requestPayload?.columns[0];
  const requestHash = hash
    ? hash.type === "bytea"
      ? `encode(r.${ident(hash.name)}, 'hex')`
      : `r.${ident(hash.name)}::text`
    : payload
      ? `md5(coalesce(r.${ident(payload.name)}::text, ''))`
      : "NULL";
  const responseBody = !body
    ? "NULL"
    : /^jsonb?$/.test(body.type)
      ? `r.${ident(body.name)}::jsonb`
      : body.type === "bytea"
        ? "NULL"
        : `to_jsonb(r.${ident(body.name)}::text)`;

  const derive: Record<DerivedColumn | "attempt_marker", string> = {
    id,
    scope,
    key: keyCol ? `r.${ident(keyCol.name)}::text` : "NULL",
    endpoint,
    request_hash: requestHash,
    status,
    recovery_point: col(roles.recoveryPoint) ?? "NULL",
    locked_at: lockedAt ?? (inProgressSeen ? (updated ?? createdAt ?? "NULL") : "NULL"),
    lock_owner: col(roles.lockOwner) ? `${col(roles.lockOwner)}::text` : "NULL",
    response_code: code ? `${code}::int` : "NULL",
    response_body: responseBody,
    attempts: "NULL",
    created_at: createdAt ?? "NULL",
    updated_at: updated ?? lockedAt ?? createdAt ?? "NULL",
    completed_at: completed ?? "NULL",
    expires_at: expires ?? "'infinity'::timestamptz",
    attempt_marker: lockedAt ?? updated ?? "NULL",
  };
  if (!lockedAt && inProgressSeen)
    questions.push(
      "The table keeps no lock time: an in-progress key's age is counted from its last update (or its creation). Set lockTimeoutSeconds to how long a request may run before a retry may take it over.",
    );
  if (roles.scope && scopeCols.length === 1 && /^scope$/i.test(scopeCols[0]!.name) && !roles.path)
    questions.push(
      `"${scopeCols[0]!.name}" is read as the caller (the client). If it names the operation instead (e.g. payments.create), move it to derive.endpoint.`,
    );

  const release = inProgressSeen
    ? ({
        kind: "delete",
        explanation:
          "Deletes the key's row: the client's next retry claims the key anew and runs the work again. Proposed by --detect: confirm the service treats a vanished key as new.",
      } as const)
    : ({
        kind: "unavailable",
        reason: "the table shows no key in progress, so there is nothing to release",
      } as const);
  const failSet =
    statusCol && failedValue && code
      ? [
          `${ident(statusCol.name)} = ${sqlText(failedValue)}`,
          `${ident(roles.responseCode!.columns[0]!.name)} = 500`,
          ...(body && /^jsonb?$/.test(body.type)
            ? [`${ident(body.name)} = {failed_response}`]
            : []),
          ...(roles.lockedAt ? [`${ident(roles.lockedAt.columns[0]!.name)} = NULL`] : []),
        ].join(", ")
      : null;
  const fail = failSet
    ? ({
        kind: "update",
        set: failSet,
        explanation: `Stores a terminal 500 (${statusCol!.name} = '${failedValue}'): every retry gets that answer and the work never runs again. Proposed by --detect: confirm the service answers a retry from this state.`,
      } as const)
    : ({
        kind: "unavailable",
        reason: "the table has no failed state with a response code that idemscope could write",
      } as const);

  const used = new Set(Object.values(roles).flatMap((f) => f!.columns.map((c) => c.name)));
  const usable = Boolean(keyCol && createdAt);
  const notes = [
    `Proposed by npm run connect -- --detect from the table's columns, keys and ${t.sampled} sampled rows: review each derivation before --apply.`,
    ...questions.map((q) => `Question: ${q}`),
    ...(unmapped.length
      ? [`Not mapped: ${unmapped.map((u) => `${u.role} (${u.consequence})`).join("; ")}`]
      : []),
  ].map((n) => (n.length > 400 ? `${n.slice(0, 399)}…` : n));
  const preset = presetSchema.parse({
    name: `detected-${t.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")}`.slice(0, 41),
    title: `${t.schema}.${t.name} (detected)`,
    library: `a hand-rolled table: ${t.schema}.${t.name}`,
    ddlSource: `the catalog of ${t.schema}.${t.name}, read by npm run connect -- --detect`,
    table: { schema: t.schema, name: t.name },
    columns: Object.fromEntries(
      t.columns.filter((c) => used.has(c.name)).map((c) => [c.name, c.type]),
    ),
    derive,
    lockTimeoutSeconds: lockTimeout,
    sees: {
      claims: true,
      completions: true,
      reclaims:
        derive.attempt_marker !== "NULL"
          ? true
          : "the table keeps no lock or attempt time, so a retry that runs the work again changes nothing visible",
      replays: "a retry answered from the stored row writes nothing to the table",
      conflicts: "a request refused while its key is in progress writes nothing to the table",
      mismatches: "a request whose payload differs from the stored one writes nothing to the table",
      expiries: expires ? true : "the table keeps no expiry time",
      clients: scopeCols.length ? true : "no column names the caller: every key is one client",
    },
    actions: { release, fail },
    notes: notes.slice(0, 10),
  });
  return { preset, roles, unmapped, questions, usable };
}
