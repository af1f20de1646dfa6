// No loss: the process doing a bulk release is killed (SIGKILL) at random moments, again and
// again. Afterwards every released key has its event and its audit row, and no audit row or
// event exists for a key that was not released: the change and its records commit together.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createTestStore, type TestStore } from "../../helpers/store";

const ROOT = path.join(import.meta.dirname, "..", "..", "..");
const KEYS = 12_000;
let store: TestStore;

beforeAll(async () => {
  store = await createTestStore();
  await store.pool.query(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, locked_at, lock_owner, expires_at)
     SELECT 'acme', 'POST /v1/payments', 'k-' || g, 'h', 'in_progress',
            now() - interval '1 hour' - make_interval(secs => g), 'web-' || (g % 7), now() + interval '1 day'
       FROM generate_series(1, $1) g`,
    [KEYS],
  );
});
afterAll(() => store.drop());

/**
 * Runs the child and kills it `ms` after it reports its first committed batch (so the kill lands
 * inside or between the next ones), or lets it finish (ms = null); returns the batches it reported.
 */
function runAndKill(ms: number | null): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        path.join(ROOT, "tests/helpers/bulk-child.ts"),
        inject("databaseUrl"),
        store.schema,
        store.t.own.replaceAll('"', ""),
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (ms !== null && !timer) timer = setTimeout(() => child.kill("SIGKILL"), ms);
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal !== "SIGKILL") reject(new Error(`child failed: ${err}`));
      else resolve(out.split("\n").filter(Boolean).map(Number));
    });
  });
}

async function consistency() {
  const r = await store.pool.query<{
    released: number;
    orphans: number;
    missing: number;
    audits: number;
    events: number;
  }>(
    `WITH released AS (SELECT id FROM ${store.t.keys} WHERE lock_owner IS NULL),
          audit AS (SELECT key_id FROM ${store.t.ownTable("audit_log")} WHERE action = 'release'),
          ev AS (SELECT key_id FROM ${store.t.events} WHERE kind = 'released')
     SELECT (SELECT count(*) FROM released)::int AS released,
            (SELECT count(*) FROM audit)::int AS audits,
            (SELECT count(*) FROM ev)::int AS events,
            -- an audit row or event for a key that was not changed
            ((SELECT count(*) FROM audit WHERE key_id NOT IN (SELECT id FROM released))
             + (SELECT count(*) FROM ev WHERE key_id NOT IN (SELECT id FROM released)))::int AS orphans,
            -- a changed key without its audit row or event
            ((SELECT count(*) FROM released WHERE id NOT IN (SELECT key_id FROM audit))
             + (SELECT count(*) FROM released WHERE id NOT IN (SELECT key_id FROM ev)))::int AS missing`,
  );
  return r.rows[0]!;
}

it("keeps every change with its audit row and event when the process dies mid-action", async () => {
  // kills land at different moments of the following batch (each takes tens of milliseconds)
  const delays = [0, 3, 6, 10, 15, 25, 40, 60, null];
  const seen: number[] = [];
  const progress: number[] = [];
  for (const ms of delays) {
    const batches = await runAndKill(ms);
    seen.push(...batches);
    const c = await consistency();
    expect(c.orphans).toBe(0);
    expect(c.missing).toBe(0);
    expect(c.audits).toBe(c.released);
    expect(c.events).toBe(c.released);
    // whole batches only: each released count is a sum of complete 1,000-key actions, or the
    // committed ones plus nothing of the killed one
    expect(c.released % 1000 === 0 || c.released === KEYS).toBe(true);
    progress.push(c.released);
  }
  // the kills did land mid-job: some rounds stopped with part of the keys released
  expect(progress.filter((n) => n > 0 && n < KEYS).length, String(progress)).toBeGreaterThanOrEqual(
    2,
  );
  // the last run (no kill) finished the job
  const end = await consistency();
  expect(end.released).toBe(KEYS);
  expect(seen.filter((n) => n > 0).every((n) => n === 1000)).toBe(true);
}, 120_000);
