// Store growth from the keys' creation times, before the size samples span an hour
// (lib/query/store/growth-from-creation.ts): whole days only, from the first day that created a
// key, net of the purges capture saw, at the table's bytes per row.
import { describe, expect, it } from "vitest";
import { growthFromCreation } from "../../lib/query/store/growth-from-creation";

const table = { name: "idempotency_keys", rows: 60_000, bytes: 30_000_000, samples: [] };
const day = (d: string, created: number, expired = 0) => ({ day: d, created, expired });

describe("growth from creation times", () => {
  it("averages the whole days from the first key on, today left out", () => {
    const g = growthFromCreation(
      [day("12-01", 0), day("12-02", 1800), day("12-03", 2200, 1000), day("12-04", 150)],
      table,
    );
    // (1,800 + 2,200 − 1,000) / 2 days, at 500 bytes a row
    expect(g).toEqual({ rows: 1500, bytes: 750_000 });
  });

  it("says nothing without a whole day of keys or without the table's size", () => {
    expect(growthFromCreation([day("12-04", 900)], table)).toBeNull();
    expect(growthFromCreation([day("12-03", 900), day("12-04", 10)], undefined)).toBeNull();
    expect(growthFromCreation(null, table)).toBeNull();
  });
});
