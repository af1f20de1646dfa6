// A key page's address carries the intent's three parts and nothing else, whatever row it is
// built from (hot keys, duplicates and recent errors pass their whole rows).
import { describe, expect, it } from "vitest";
import { lifecyclePageUrl } from "../../lib/client/queries/keys";

describe("lifecyclePageUrl", () => {
  it("keeps only client, endpoint and key, each encoded once", () => {
    const row = {
      intent: "29ce4c4c-47f9-1d31-452c-f396b04184c9",
      scope: 'we/ird & "quoted" ü',
      endpoint: "POST /v1/refunds",
      key: "k+1 %2F",
      successes: 2,
      reconciliation: null,
    };
    const url = new URL(lifecyclePageUrl(row), "http://x");
    expect(url.pathname).toBe("/keys/lookup");
    expect([...url.searchParams]).toEqual([
      ["scope", row.scope],
      ["endpoint", row.endpoint],
      ["key", row.key],
    ]);
  });
});
