// What a library's imported rows taught the intent memory is packed when the import ends
// (lib/fold/imported-intents.ts): exactly the memory rows an imported row alone made, found again
// by every batch's lookup, merged with what events made since, and forgotten past the horizon.
import type { PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  INTENTS_PER_PACKED_ROW,
  packImportedIntents,
  rememberedBefore,
} from "../../../lib/fold/imported-intents";
import { createTestStore, type TestStore } from "../../helpers/store";

type Remembered = {
  req_at: Date | null;
  req_id: string | null;
  ok_at: Date | null;
  ok_id: string | null;
  successes: number;
  requests: number;
};

/** A memory row, by name: times in hours before now, ids as the import (< 0) or events (> 0) give them. */
const row = (
  name: string,
  req: [hours: number, id: number] | null,
  ok: [hours: number, id: number] | null,
  successes: number,
  requests: number,
) => ({ name, req, ok, successes, requests });

// each kind of memory row: packed only when an imported row alone made it
const KINDS = [
  { ...row("imported request", [30, -5], null, 0, 1), packed: true },
  { ...row("imported request and success", [30, -5], [29, -6], 1, 1), packed: true },
  { ...row("imported success, no request", null, [29, -7], 1, 0), packed: true },
  { ...row("imported request, a live retry", [30, -5], null, 0, 2), packed: false },
  { ...row("imported request, a live success", [30, -5], [2, 10], 1, 1), packed: false },
  { ...row("imported and live success", [30, -5], [29, -6], 2, 1), packed: false },
  { ...row("events alone", [3, 11], [2, 12], 1, 1), packed: false },
  { ...row("a failure alone", null, null, 0, 0), packed: false },
];

describe("the intents a library's import taught the memory, packed", () => {
  let store: TestStore;
  let c: PoolClient;
  const memory = () => store.t.ownTable("intent_memory");

  const insertRow = (k: (typeof KINDS)[number], name = k.name) =>
    c.query(
      `INSERT INTO ${memory()} (intent, first_request_at, first_request_id, first_success_at,
                                first_success_id, successes, requests)
       VALUES (md5($1)::uuid, now() - make_interval(hours => $2), $3,
               now() - make_interval(hours => $4), $5, $6, $7)`,
      [
        name,
        k.req?.[0] ?? null,
        k.req?.[1] ?? null,
        k.ok?.[0] ?? null,
        k.ok?.[1] ?? null,
        k.successes,
        k.requests,
      ],
    );

  /** What the classification reads of each named intent: memory and packed rows merged. */
  const rememberedOf = async (names: string[], horizonDays: number | null = null) => {
    const before = rememberedBefore(store.t, { withImported: true, horizonDays });
    const r = await c.query<Remembered & { name: string }>(
      `SELECT name, old_req_at AS req_at, old_req_id::text AS req_id, old_first_at AS ok_at,
              old_first_id::text AS ok_id, coalesce(memory_successes, 0) + imported_oks AS successes,
              coalesce(old_reqs, 0) AS requests
         FROM (SELECT per.name, i.successes AS memory_successes, ${before.columns}
                 FROM (SELECT n AS name, md5(n)::uuid AS intent FROM unnest($1::text[]) n) per
                 LEFT JOIN ${memory()} i ON i.intent = per.intent ${before.join}) merged`,
      [names],
    );
    return new Map(r.rows.map(({ name, ...rest }) => [name, rest]));
  };

  beforeAll(async () => {
    store = await createTestStore();
    c = await store.pool.connect();
  });
  afterAll(async () => {
    c?.release();
    await store?.drop();
  });

  it("packs exactly the rows an imported row alone made, and classifies every intent as before", async () => {
    for (const k of KINDS) await insertRow(k);
    // enough imported intents for three packed rows
    const many = Array.from({ length: 2 * INTENTS_PER_PACKED_ROW + 17 }, (_, i) => `many-${i}`);
    for (const name of many) await insertRow(KINDS[1]!, name);
    const names = [...KINDS.map((k) => k.name), ...many];
    const before = await rememberedOf(names);

    await c.query("BEGIN");
    const packed = await packImportedIntents(c, store.t);
    await c.query("COMMIT");

    expect(packed).toBe(KINDS.filter((k) => k.packed).length + many.length);
    const rows = await c.query<{ n: number; max: number }>(
      `SELECT count(*)::int AS n, max(cardinality(intents))::int AS max
         FROM ${store.t.ownTable("imported_intents")}`,
    );
    expect(rows.rows[0]).toEqual({ n: 3, max: INTENTS_PER_PACKED_ROW });
    const left = await c.query<{ id: string }>(`SELECT intent::text AS id FROM ${memory()}`);
    const hashOf = async (name: string) =>
      (await c.query<{ h: string }>(`SELECT md5($1)::uuid::text AS h`, [name])).rows[0]!.h;
    const kept = await Promise.all(KINDS.filter((k) => !k.packed).map((k) => hashOf(k.name)));
    expect(left.rows.map((r) => r.id).sort()).toEqual(kept.sort());

    // every intent reads as it did from the memory; a packed event's id is -1 (before any event)
    const after = await rememberedOf(names);
    const packedNames = new Set(names.filter((n) => !KINDS.some((k) => k.name === n && !k.packed)));
    for (const name of names) {
      const was = before.get(name)!;
      expect(after.get(name), name).toEqual(
        packedNames.has(name)
          ? { ...was, req_id: was.req_id && "-1", ok_id: was.ok_id && "-1" }
          : was,
      );
    }
  });

  it("merges a memory row events made since with the packed row, and forgets past the horizon", async () => {
    // a live retry and a live success of an imported intent: the memory holds only them
    await c.query(
      `INSERT INTO ${memory()} (intent, first_request_at, first_request_id, first_success_at,
                                first_success_id, successes, requests)
       VALUES (md5('many-3')::uuid, now() - interval '1 hour', 20, now() - interval '1 hour', 21, 1, 1)`,
    );
    const m = (await rememberedOf(["many-3", "imported request"]))!;
    expect(m.get("many-3")).toMatchObject({ req_id: "-1", ok_id: "-1", successes: 2, requests: 2 });
    // 30 hours old: within a two-day horizon, past a one-day one (the live row is kept on its own)
    expect((await rememberedOf(["imported request"], 2)).get("imported request")!.req_id).toBe(
      "-1",
    );
    const day = await rememberedOf(["imported request", "many-3"], 1);
    expect(day.get("imported request")).toMatchObject({ req_id: null, requests: 0 });
    expect(day.get("many-3")).toMatchObject({
      req_id: "20",
      ok_id: "21",
      successes: 1,
      requests: 1,
    });
  });
});
