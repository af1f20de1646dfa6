// The client dictionary migration (lib/contract/schema/client-dictionary.ts) keeps an existing
// installation's per-client rows: every row of the old text-keyed table comes back, by name,
// from the numbered one, and the collector then folds on top of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { clientDictionaryStatements } from "../../../lib/contract/schema/client-dictionary";
import { insertEvents } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const COUNTERS = [
  "requests",
  "claimed",
  "reclaimed",
  "replayed",
  "conflicts",
  "mismatches",
  "keys",
];

/** rollup_clients as it was before the dictionary (lib/contract/schema/rollups.ts + clients.ts). */
async function recreateOldTable() {
  const r = store.t.ownTable;
  await store.pool.query(
    `DROP TABLE ${r("rollup_clients")}, ${r("client_names")}, ${r("endpoint_names")}`,
  );
  await store.pool.query(`CREATE TABLE ${r("rollup_clients")} (
      resolution text NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
      bucket timestamptz NOT NULL, scope text NOT NULL, endpoint text NOT NULL,
      ${COUNTERS.map((c) => `${c} bigint NOT NULL`).join(", ")},
      PRIMARY KEY (resolution, bucket, scope, endpoint))`);
}

/** Every row by name, as text: what the pages read. */
async function rowsByName(): Promise<string[]> {
  const r = store.t.ownTable;
  const q = await store.pool.query<{ row: string }>(
    `SELECT concat_ws('|', x.resolution::text, x.bucket, n.scope, coalesce(e.endpoint, '*'),
                      ${COUNTERS.map((c) => `x.${c}`).join(", ")}) AS row
       FROM ${r("rollup_clients")} x JOIN ${r("client_names")} n ON n.id = x.client
       LEFT JOIN ${r("endpoint_names")} e ON e.id = x.endpoint
      ORDER BY 1`,
  );
  return q.rows.map((x) => x.row);
}

beforeAll(async () => {
  store = await createTestStore();
  await recreateOldTable();
});
afterAll(() => store.drop());

describe("the client dictionary migration", () => {
  it("keeps every per-client row, by name, and the collector folds on top", async () => {
    const r = store.t.ownTable;
    const scopes = ["acme", 'we/ird "quoted" ü', "zeta"];
    const endpoints = ["*", "POST /v1/payments", "POST /v1/refunds"];
    await store.pool.query(
      `INSERT INTO ${r("rollup_clients")}
       SELECT res, date_trunc(res, now() - CASE res WHEN 'minute' THEN make_interval(mins => h)
                WHEN 'hour' THEN make_interval(hours => h) ELSE make_interval(days => h) END), s, e,
              10 + h, 5, 1, 2, 1, 1, 4
         FROM unnest($1::text[]) s, unnest($2::text[]) e, unnest(ARRAY['minute', 'hour', 'day']) res,
              generate_series(0, 2) h
        WHERE e = '*' OR res = 'day'`,
      [scopes, endpoints],
    );
    const old = await store.pool.query<{ row: string }>(
      `SELECT concat_ws('|', left(resolution, 1), bucket, scope, endpoint, ${COUNTERS.join(", ")}) AS row
         FROM ${r("rollup_clients")} ORDER BY 1`,
    );
    expect(old.rows.length).toBe(3 * 3 * 3 + 3 * 3 * 2);
    for (const s of clientDictionaryStatements(store.t)) await store.pool.query(s);
    expect(await rowsByName()).toEqual(old.rows.map((x) => x.row).sort());
    // two endpoints numbered from 1; 0 stays "all endpoints"
    const named = await store.pool.query(
      `SELECT id, endpoint FROM ${r("endpoint_names")} ORDER BY id`,
    );
    expect(named.rows).toEqual([
      { id: 1, endpoint: "POST /v1/payments" },
      { id: 2, endpoint: "POST /v1/refunds" },
    ]);

    // a new client and a known one, folded into the converted table
    await insertEvents(store.pool, store.t, [
      { secondsAgo: 30, scope: "acme", endpoint: "POST /v1/payments", key: "n-1", kind: "claimed" },
      {
        secondsAgo: 20,
        scope: "newcomer",
        endpoint: "POST /v1/payouts",
        key: "n-2",
        kind: "claimed",
      },
    ]);
    for (let i = 0; i < 5; i++) if ((await collectBatch(store.ctx())).caughtUp) break;
    const after = await store.pool.query<{ scope: string; endpoint: string; requests: number }>(
      `SELECT n.scope, coalesce(e.endpoint, '*') AS endpoint, sum(x.requests)::int AS requests
         FROM ${r("rollup_clients")} x JOIN ${r("client_names")} n ON n.id = x.client
         LEFT JOIN ${r("endpoint_names")} e ON e.id = x.endpoint
        WHERE x.resolution = 'd' AND x.bucket = date_trunc('day', now())
          AND n.scope IN ('acme', 'newcomer') AND coalesce(e.endpoint, '*') IN ('*', 'POST /v1/payouts')
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(after.rows).toEqual([
      // acme's day row over all endpoints had 10 requests (h = 0 is today's bucket), plus one
      { scope: "acme", endpoint: "*", requests: 11 },
      { scope: "newcomer", endpoint: "*", requests: 1 },
      { scope: "newcomer", endpoint: "POST /v1/payouts", requests: 1 },
    ]);
  });
});
