// What capture keeps of a library's table so that nothing polled ever reads it (issue #33): the
// keys in progress (open_keys: the mapping view's columns for every unfinished row), the keys per
// minute of expiry (expiry_minutes) and each endpoint's newest TTL (endpoint_ttls). The stuck list,
// its counts and samples, the purger's health and the TTL advisor read these small tables; the
// service's table is read once, by the fill, when capture is installed (docs/capture.md, "What
// polls never reads").
//
// open_keys holds each key's last captured state, so applying a change twice, or a change the
// fill already saw, gives the same table. The expiry counts are sums of changes and must count
// each row once: the fill records the snapshot it read (capture_fill), and only changes of
// transactions that snapshot did not see are added afterwards. Fill and derivation exclude each
// other with a lock on capture_fill that each takes before its first snapshot (only idemscope's
// role may lock its tables: no other login can stall capture with it), so no change falls
// between the two.
import { escapeIdentifier, type Pool } from "pg";
import { inTransaction } from "../../db/pool";
import { DERIVED_COLUMNS } from "../../contract/preset";
import type { SourceBinding } from "../../contract/source-binding";
import {
  CAPTURE_ERRORS_SEQUENCE,
  CAPTURE_FILL_TABLE,
  CAPTURE_QUEUE_TABLE,
  DEAD_LETTERS_TABLE,
  ENDPOINT_TTLS_TABLE,
  EXPIRY_MINUTES_TABLE,
  OPEN_KEYS_TABLE,
  SOURCE_KEYS_VIEW,
} from "../../contract/tables";
import type { Queryable } from "../../contract/context";
import { derivedSelectList, type OwnNames } from "./derived-sql";

// every column of the mapping view but the stored response: polling never shows it, and a
// response the derivation cannot read must not cost a key in progress its place
const KEPT = DERIVED_COLUMNS.filter((c) => c !== "response_body");
const COLUMNS = KEPT.join(", ");
const UPSERT_SET = `(${COLUMNS}) = ROW(${KEPT.map((c) => `excluded.${c}`).join(", ")})`;

/**
 * The kept tables, created with the source (after its mapping view, whose columns they copy), or
 * later for a source connected before they existed (ensureKeptTables).
 */
export function keptStateStatements(t: OwnNames): string[] {
  const open = t.ownTable(OPEN_KEYS_TABLE);
  return [
    `CREATE TABLE IF NOT EXISTS ${open} (LIKE ${t.ownTable(SOURCE_KEYS_VIEW)})`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${escapeIdentifier(`${OPEN_KEYS_TABLE}_id_idx`)} ON ${open} (id)`,
    `CREATE TABLE IF NOT EXISTS ${t.ownTable(EXPIRY_MINUTES_TABLE)} (
       minute timestamptz PRIMARY KEY,
       keys   bigint NOT NULL
     )`,
    `CREATE TABLE IF NOT EXISTS ${t.ownTable(ENDPOINT_TTLS_TABLE)} (
       endpoint    text PRIMARY KEY,
       ttl_seconds double precision NOT NULL,
       seen_at     timestamptz NOT NULL
     )`,
    `CREATE TABLE IF NOT EXISTS ${t.ownTable(CAPTURE_FILL_TABLE)} (
       id        int PRIMARY KEY CHECK (id = 1),
       snapshot  pg_snapshot NOT NULL,
       filled_at timestamptz NOT NULL,
       keys      bigint NOT NULL,
       open      bigint NOT NULL,
       -- changes capture had lost when the fill read the table (capture_errors): any lost since
       -- mean the kept state may be wrong, and the collector reads the table again
       lost      bigint NOT NULL DEFAULT 0
     )`,
  ];
}

/**
 * Creates the kept tables of a source connected by an earlier version, and has its queue record
 * the writing transaction (two catalog-only changes of idemscope's own queue, each waiting at
 * most a second for it). Its capture triggers still skip the UPDATEs that change only a key's
 * lock: `npm run connect -- --uninstall` and `--apply` again install the current ones.
 */
const ensured = new Set<string>();

export async function ensureKeptTables(pool: Pool, t: OwnNames): Promise<void> {
  if (ensured.has(t.own)) return;
  const r = await pool.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`,
    [t.ownTable(CAPTURE_FILL_TABLE)],
  );
  if (r.rows[0]?.present) {
    ensured.add(t.own);
    return;
  }
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  await inTransaction(pool, async (c) => {
    await c.query(`SET LOCAL lock_timeout = '1s'`);
    await c.query(`ALTER TABLE ${queue} ADD COLUMN IF NOT EXISTS xid xid8`);
    await c.query(`ALTER TABLE ${queue} ALTER COLUMN xid SET DEFAULT pg_current_xact_id()`);
    for (const statement of keptStateStatements(t)) await c.query(statement);
  });
  ensured.add(t.own);
}

export function keptStateDropStatements(t: OwnNames): string[] {
  return [OPEN_KEYS_TABLE, EXPIRY_MINUTES_TABLE, ENDPOINT_TTLS_TABLE, CAPTURE_FILL_TABLE].map(
    (name) => `DROP TABLE IF EXISTS ${t.ownTable(name)}`,
  );
}

/**
 * Taken by every transaction that derives changes (or changes keys, as an action does) before its
 * first snapshot, held to its end: a fill waits for it, and it for a fill. LOCK takes no snapshot.
 */
export const keptShareLock = (t: OwnNames) =>
  `LOCK TABLE ${t.ownTable(CAPTURE_FILL_TABLE)} IN ROW SHARE MODE`;

/**
 * CTEs that follow a batch of changes into the kept tables, for the derivation statement of
 * lib/ingest/sources/capture-drain.ts. They read its CTE `q` (seq, op, new_row, xid) and `k`
 * (seq, op, id, endpoint, at, new_status, old_expires, new_expires, new_created).
 */
export function keptStateCtes(binding: SourceBinding, t: OwnNames): string {
  const open = t.ownTable(OPEN_KEYS_TABLE);
  const minutes = t.ownTable(EXPIRY_MINUTES_TABLE);
  const ttls = t.ownTable(ENDPOINT_TTLS_TABLE);
  const fill = t.ownTable(CAPTURE_FILL_TABLE);
  return `
    , last AS (
      SELECT DISTINCT ON (k.id) k.seq, k.op, k.id, k.new_status
        FROM k WHERE k.op <> 'REFUSED' AND k.id IS NOT NULL
       ORDER BY k.id, k.seq DESC
    ), closed AS (
      DELETE FROM ${open} c USING last l
       WHERE c.id = l.id AND (l.op = 'DELETE' OR l.new_status IS DISTINCT FROM 'in_progress')
      RETURNING 1
    ), opened AS (
      INSERT INTO ${open} (${COLUMNS})
      SELECT f.* FROM last l JOIN q ON q.seq = l.seq
       CROSS JOIN LATERAL (SELECT ${derivedSelectList(binding.preset, false, KEPT)}
                             FROM jsonb_populate_record(NULL::${binding.base}, q.new_row) AS r) f
       WHERE l.op <> 'DELETE' AND l.new_status = 'in_progress'
      ON CONFLICT (id) DO UPDATE SET ${UPSERT_SET}
      RETURNING 1
    ), unseen AS (
      -- the changes the fill's snapshot did not see (none before the fill: it counts them all)
      SELECT k.* FROM k JOIN q ON q.seq = k.seq CROSS JOIN ${fill} f
       -- (a change queued before its queue had the column predates any fill: seen)
       WHERE q.xid IS NOT NULL AND NOT pg_visible_in_snapshot(q.xid, f.snapshot)
    ), expiries AS (
      INSERT INTO ${minutes} (minute, keys)
      SELECT minute, sum(change) FROM (
          SELECT date_trunc('minute', u.old_expires) AS minute, -1 AS change FROM unseen u
           WHERE u.op IN ('UPDATE', 'DELETE') AND u.old_expires IS NOT NULL
          UNION ALL
          SELECT date_trunc('minute', u.new_expires), 1 FROM unseen u
           WHERE u.op IN ('INSERT', 'UPDATE') AND u.new_expires IS NOT NULL) x
       WHERE minute IS NOT NULL AND isfinite(minute)
       GROUP BY minute HAVING sum(change) <> 0
      ON CONFLICT (minute) DO UPDATE SET keys = ${minutes}.keys + excluded.keys
      RETURNING 1
    ), ttls AS (
      INSERT INTO ${ttls} (endpoint, ttl_seconds, seen_at)
      SELECT k.endpoint,
             mode() WITHIN GROUP (ORDER BY round(extract(epoch FROM k.new_expires - k.new_created))),
             max(k.at)
        FROM k
       WHERE k.op = 'INSERT' AND isfinite(k.new_expires) AND k.new_created IS NOT NULL
         AND k.endpoint IS NOT NULL
       GROUP BY k.endpoint
      ON CONFLICT (endpoint) DO UPDATE SET ttl_seconds = excluded.ttl_seconds, seen_at = excluded.seen_at
      RETURNING 1
    )`;
}

/**
 * CTEs that follow idemscope's own release and fail (CTE `changed`: the changed rows in the
 * mapping view's columns) into open_keys: capture leaves the operator's changes out, their
 * statement writes its event itself. A deleted key, or one no longer in progress, leaves it.
 */
export function keptActionCtes(t: OwnNames, deleted: boolean): string {
  const open = t.ownTable(OPEN_KEYS_TABLE);
  const minutes = t.ownTable(EXPIRY_MINUTES_TABLE);
  const gone = deleted ? "true" : "ch.status IS DISTINCT FROM 'in_progress'";
  // a deleted key leaves the expiry counts too (the fill counted it, or capture did since)
  const uncounted = deleted
    ? `, uncounted AS (
      UPDATE ${minutes} m SET keys = m.keys - d.n
        FROM (SELECT date_trunc('minute', expires_at) AS minute, count(*) AS n
                FROM changed WHERE isfinite(expires_at) GROUP BY 1) d
       WHERE m.minute = d.minute AND EXISTS (SELECT 1 FROM ${t.ownTable(CAPTURE_FILL_TABLE)})
    )`
    : "";
  return `
    , left_open AS (
      DELETE FROM ${open} o USING changed ch WHERE o.id = ch.id AND ${gone}
    ), still_open AS (
      INSERT INTO ${open} (${COLUMNS})
      SELECT ${COLUMNS} FROM changed ch WHERE NOT (${gone})
      ON CONFLICT (id) DO UPDATE SET ${UPSERT_SET}
    )${uncounted}`;
}

/**
 * How many changes capture has skipped so far (a queue missing or full: capture_errors, less the
 * dead letters it also counts), in SQL. A dead letter is one row the derivation cannot read: the
 * fill could not read it either, and one row is no reason to read the table again.
 */
const lostChangesSql = (t: OwnNames) =>
  `(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${t.ownTable(CAPTURE_ERRORS_SEQUENCE)})
   - (SELECT count(*) FROM ${t.ownTable(DEAD_LETTERS_TABLE)})`;

/** The fill's one read may take this long (10 M rows take seconds); then it is tried again. */
const FILL_TIMEOUT = "15min";

export type FillResult = { filled: boolean; keys: number; open: number };

/**
 * Reads the library's table once, in one snapshot, into the kept tables; does nothing when done
 * before. Run by `npm run connect -- --apply` right after capture is installed, and by the
 * collector should that have been interrupted or capture have skipped changes since. Waits for
 * derivations under way, and they for it.
 */
export async function fillKeptState(
  pool: Pool,
  t: OwnNames,
  { force = false }: { force?: boolean } = {},
): Promise<FillResult> {
  await ensureKeptTables(pool, t);
  const fill = t.ownTable(CAPTURE_FILL_TABLE);
  const none = { filled: false, keys: 0, open: 0 };
  const sound = `SELECT 1 FROM ${fill} WHERE lost >= ${lostChangesSql(t)} AND NOT ${force}`;
  // the collector asks every minute: a sound fill answers without waiting for any lock
  if ((await pool.query(sound)).rows.length > 0) return none;
  const c = await pool.connect();
  try {
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    // before the snapshot: every derivation that holds the share lock has committed, none starts
    await c.query(`LOCK TABLE ${fill} IN EXCLUSIVE MODE`);
    // one read of the whole table, once: longer than a dashboard's statement may take
    await c.query(`SET LOCAL statement_timeout = '${FILL_TIMEOUT}'`);
    if ((await c.query(sound)).rows.length > 0) {
      await c.query("ROLLBACK");
      return none;
    }
    // a first fill, or capture lost changes since the last one: read the table again
    for (const table of [
      CAPTURE_FILL_TABLE,
      EXPIRY_MINUTES_TABLE,
      OPEN_KEYS_TABLE,
      ENDPOINT_TTLS_TABLE,
    ])
      await c.query(`DELETE FROM ${t.ownTable(table)}`);
    const result = await fillInSnapshot(c, t);
    await c.query("COMMIT");
    return { filled: true, ...result };
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

async function fillInSnapshot(c: Queryable, t: OwnNames): Promise<Omit<FillResult, "filled">> {
  const view = t.ownTable(SOURCE_KEYS_VIEW);
  const open = await c.query(
    `INSERT INTO ${t.ownTable(OPEN_KEYS_TABLE)} (${COLUMNS})
     SELECT ${COLUMNS} FROM ${view} WHERE status = 'in_progress'
     ON CONFLICT (id) DO UPDATE SET ${UPSERT_SET}`,
  );
  const minutes = t.ownTable(EXPIRY_MINUTES_TABLE);
  // counted from here on only: changes before the fill added nothing (no capture_fill row)
  const keys = await c.query<{ keys: string }>(
    `WITH per_minute AS (
       SELECT date_trunc('minute', expires_at) AS minute, count(*) AS n FROM ${view} GROUP BY 1
     ), counted AS (
       INSERT INTO ${minutes} (minute, keys)
       SELECT minute, n FROM per_minute WHERE isfinite(minute)
       ON CONFLICT (minute) DO UPDATE SET keys = excluded.keys)
     SELECT coalesce(sum(n), 0)::bigint AS keys FROM per_minute`,
  );
  await c.query(
    `INSERT INTO ${t.ownTable(ENDPOINT_TTLS_TABLE)} (endpoint, ttl_seconds, seen_at)
     SELECT DISTINCT ON (endpoint) endpoint, round(extract(epoch FROM expires_at - created_at)),
            created_at
       FROM ${view} WHERE isfinite(expires_at) AND created_at IS NOT NULL AND endpoint IS NOT NULL
      ORDER BY endpoint, created_at DESC
     ON CONFLICT (endpoint) DO UPDATE SET ttl_seconds = excluded.ttl_seconds, seen_at = excluded.seen_at`,
  );
  const result = { keys: Number(keys.rows[0]?.keys ?? 0), open: open.rowCount ?? 0 };
  // the snapshot every statement above read (REPEATABLE READ: the transaction's), for the derivation
  await c.query(
    `INSERT INTO ${t.ownTable(CAPTURE_FILL_TABLE)} (id, snapshot, filled_at, keys, open, lost)
     VALUES (1, pg_current_snapshot(), now(), $1, $2, ${lostChangesSql(t)})`,
    [result.keys, result.open],
  );
  return result;
}

/**
 * Reads the library's table into the kept state again, whatever it holds: for changes capture
 * could not see (a restored backup, rows written with capture switched off).
 */
export async function refillKeptState(pool: Pool, t: OwnNames): Promise<FillResult> {
  return fillKeptState(pool, t, { force: true });
}

/**
 * Drops the minutes whose keys are all gone (purged, or expiring elsewhere after an update): the
 * collector's minute job, off the drain's path.
 */
export async function pruneExpiryMinutes(pool: Pool, t: OwnNames): Promise<void> {
  await pool.query(`DELETE FROM ${t.ownTable(EXPIRY_MINUTES_TABLE)} WHERE keys = 0`);
}
