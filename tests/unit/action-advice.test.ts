// Before a release or a fail (lib/client/action-advice.ts): a release of a key that holds no lock
// changes nothing, and one of work an outside system already saw may do it twice; both say so
// and recommend Fail.
import { describe, expect, it } from "vitest";
import { adviseAction } from "../../lib/client/action-advice";
import type { StuckKey } from "../../lib/client/api-types/stuck";

const key = (over: Partial<StuckKey>): StuckKey =>
  ({
    id: "1",
    scope: "acme",
    endpoint: "POST /v1/payments",
    key: "k",
    ageSeconds: 900,
    lockedAt: "2026-12-07T01:00:00Z",
    lockOwner: "worker-3",
    recoveryPoint: null,
    attempts: 1,
    lockTimeoutSeconds: 300,
    ...over,
  }) as StuckKey;

describe("advice before acting on a stuck key", () => {
  it("recommends Release for a locked key whose work touched nothing outside", () => {
    expect(adviseAction(key({ recoveryPoint: "started" }), "release")).toEqual({
      recommended: "release",
      warnings: [],
    });
  });

  it("warns that releasing an orphaned key changes nothing", () => {
    const a = adviseAction(key({ lockedAt: null, lockOwner: null }), "release");
    expect(a.recommended).toBe("fail");
    expect(a.warnings[0]).toMatch(/holds no lock .* changes nothing/);
  });

  it("warns that releasing a payment whose provider was called may charge twice", () => {
    const a = adviseAction(key({ recoveryPoint: "provider_called" }), "release");
    expect(a.recommended).toBe("fail");
    expect(a.warnings[0]).toMatch(/"provider_called".*may charge or send twice/);
    // failing it says nothing against it
    expect(adviseAction(key({ recoveryPoint: "provider_called" }), "fail").warnings).toEqual([]);
  });
});
