// The money in duplicate successes: the collector prices each new duplicate from its stored
// response at the configured paths, once; Trends sums amount × (successes − 1) per day and
// currency, open or reconciled, equal to the raw rows; endpoints without a path are named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { getMoneyInDuplicates } from "../../../lib/query/store/money";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const cfg = parseConfig({
  IDEMSCOPE_AMOUNT_PATHS:
    "POST /v1/payments=$.amount,$.currency;POST /v1/payouts=$.payout.value,$.payout.ccy,decimal",
});
const twice = (endpoint: string, key: string, ago: number, times = 2): RawEvent[] => [
  { secondsAgo: ago, scope: "acme", endpoint, key, kind: "claimed" },
  ...Array.from({ length: times }, (_, i) => ({
    secondsAgo: ago - 1 - i * 10,
    scope: "acme",
    endpoint,
    key,
    kind: "completed" as const,
    responseCode: 201,
  })),
];

beforeAll(async () => {
  store = await createTestStore();
  await insertEvents(store.pool, store.t, [
    ...twice("POST /v1/payments", "p-eur", 3000),
    ...twice("POST /v1/payments", "p-eur-3x", 2900, 3),
    ...twice("POST /v1/payments", "p-jpy", 2800),
    ...twice("POST /v1/payments", "p-bad", 2700),
    ...twice("POST /v1/payments", "p-purged", 2600),
    ...twice("POST /v1/payouts", "o-usd", 2500),
    ...twice("POST /v1/orders", "order", 2400),
  ]);
  const body = (key: string, json: string) =>
    store.pool.query(
      `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, response_code, response_body, expires_at)
       VALUES ('acme', $1, $2, 'h', 'completed', 201, $3::jsonb, now() + interval '1 day')`,
      [
        key.startsWith("o-")
          ? "POST /v1/payouts"
          : key === "order"
            ? "POST /v1/orders"
            : "POST /v1/payments",
        key,
        json,
      ],
    );
  await body("p-eur", '{"amount": 1999, "currency": "eur"}');
  await body("p-eur-3x", '{"amount": 500, "currency": "EUR"}');
  await body("p-jpy", '{"amount": 1200, "currency": "JPY"}');
  await body("p-bad", '{"amount": "lots", "currency": "EUR"}');
  await body("o-usd", '{"payout": {"value": 12.5, "ccy": "USD"}}');
  await body("order", '{"total": 10}');
  for (let i = 0; i < 10; i++) if ((await collectBatch(store.ctx(cfg))).caughtUp) break;
});
afterAll(() => store.drop());

describe("money in duplicate successes", () => {
  it("prices each duplicate from its stored response, in major units, once", async () => {
    const rows = await store.pool.query(
      `SELECT key, amount::float8 AS amount, currency, amount_note AS note
         FROM ${store.t.ownTable("duplicate_intents")} ORDER BY key`,
    );
    expect(rows.rows).toEqual([
      { key: "o-usd", amount: 12.5, currency: "USD", note: null },
      { key: "order", amount: null, currency: null, note: null },
      {
        key: "p-bad",
        amount: null,
        currency: "EUR",
        note: "the stored response has no amount and currency at the configured paths",
      },
      { key: "p-eur", amount: 19.99, currency: "EUR", note: null },
      { key: "p-eur-3x", amount: 5, currency: "EUR", note: null },
      { key: "p-jpy", amount: 1200, currency: "JPY", note: null },
      {
        key: "p-purged",
        amount: null,
        currency: null,
        note: "the stored response was purged before the duplicate was seen",
      },
    ]);
  });

  it("sums amount × (successes − 1) per currency, open and reconciled, like the raw rows", async () => {
    await store.pool.query(
      `INSERT INTO ${store.t.ownTable("reconciliations")} (intent, scope, endpoint, key, outcome, reason, actor, audit_id)
       SELECT intent, scope, endpoint, key, 'refunded', 'test', 'test', 0
         FROM ${store.t.ownTable("duplicate_intents")} WHERE key = 'p-eur'`,
    );
    const m = await getMoneyInDuplicates(store.ctx(cfg), 7);
    expect(m.totals).toEqual([
      { currency: "JPY", open: 1200, reconciled: 0 },
      { currency: "EUR", open: 10, reconciled: 19.99 },
      { currency: "USD", open: 12.5, reconciled: 0 },
    ]);
    expect(
      m.days.every(
        (d) =>
          d.day === new Date(Date.now() - 3000_000).toISOString().slice(0, 10) ||
          d.day === new Date().toISOString().slice(0, 10),
      ),
    ).toBe(true);
    expect(m.months.reduce((s, x) => s + x.open, 0)).toBeCloseTo(1222.5, 6);
    expect(m.notConfigured).toEqual(["POST /v1/orders"]);
    expect(m.configured).toEqual(["POST /v1/payments", "POST /v1/payouts"]);
    expect(m.unpriced.count).toBe(2);
    expect(m.unavailable).toBeNull();
  });

  it("refuses amount paths it could not evaluate safely, saying what it expects", () => {
    for (const bad of [
      "POST /v1/x=amount,currency",
      "POST /v1/x=$.a",
      "POST /v1/x=$.a,$.c,cents",
      "POST /v1/x=$..a,$.c",
    ])
      expect(() => parseConfig({ IDEMSCOPE_AMOUNT_PATHS: bad })).toThrow(
        /ENDPOINT=\$\.amount\.path/,
      );
  });
});
