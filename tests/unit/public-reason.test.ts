// Viewers see the class of a background failure, never the database's text (docs/reliability.md,
// issue #31, "Info").
import { describe, expect, it } from "vitest";
import { publicInstance, publicReason } from "../../lib/query/store/public-reason";

describe("publicReason", () => {
  it.each([
    [
      'relation "payments_secret"."keys" does not exist',
      /table or column .* missing/,
      "payments_secret",
    ],
    ["permission denied for table idempotency_keys", /privilege is missing/, "idempotency_keys"],
    ["canceling statement due to statement timeout", /timed out/, "canceling"],
    ["connect ECONNREFUSED 10.0.0.7:5432", /unreachable/, "10.0.0.7"],
    ['replication slot "idemscope_prod" is active for PID 4242', /stream failed/, "4242"],
    ['invalid input syntax for type json: "card 4242"', /a statement failed/, "card"],
  ])("classifies %s without repeating it", (raw, reason, identifying) => {
    const shown = publicReason(raw);
    expect(shown).toMatch(reason);
    expect(shown).not.toContain(identifying);
  });

  it("names a replica without its host or pid, the same way each time", () => {
    expect(publicInstance("db-host-7:4242")).toMatch(/^collector [0-9a-f]{6}$/);
    expect(publicInstance("db-host-7:4242")).toBe(publicInstance("db-host-7:4242"));
    expect(publicInstance("db-host-7:4242")).not.toBe(publicInstance("db-host-8:4242"));
  });
});
