import { describe, expect, it } from "vitest";
import type { LifecycleEvent } from "../../lib/client/api-types/keys";
import { explainDuplicate } from "../../lib/client/explain-duplicate";

let n = 0;
function ev(
  at: string,
  kind: string,
  instance: string | null,
  responseCode: number | null = null,
): LifecycleEvent {
  return {
    id: String(++n),
    at: `2026-11-14T${at}Z`,
    kind,
    keyId: "1",
    requestHash: "h",
    responseCode,
    latencyMs: null,
    instance,
    traceId: null,
    traceUrl: null,
  };
}

describe("explainDuplicate", () => {
  it("is null for a single success", () => {
    expect(
      explainDuplicate([
        ev("02:00:00.000", "claimed", "web-1"),
        ev("02:00:01.000", "completed", "web-1", 201),
      ]),
    ).toBeNull();
  });

  it("names a reclaim while the first worker still ran, with the time the lock was held", () => {
    const d = explainDuplicate([
      ev("02:00:00.000", "claimed", "web-1"),
      ev("02:05:00.000", "reclaimed", "web-3"),
      ev("02:05:30.000", "completed", "web-1", 201),
      ev("02:05:31.000", "completed", "web-3", 201),
    ]);
    expect(d?.cause).toBe("reclaim");
    expect(d?.summary).toContain("lock expired after 5 min");
    expect(d?.summary).toContain("instance web-3 reclaimed the key");
    expect(d?.summary).toContain("while web-1 was still running");
    expect(d?.successes).toHaveLength(2);
  });

  it("names expiry followed by a late retry", () => {
    const d = explainDuplicate([
      ev("02:00:00.000", "claimed", "web-1"),
      ev("02:00:00.400", "completed", "web-1", 200),
      ev("03:00:00.000", "expired", "purger"),
      ev("03:10:00.000", "claimed", "web-2"),
      ev("03:10:00.300", "completed", "web-2", 200),
    ]);
    expect(d?.cause).toBe("expiry");
    expect(d?.summary).toContain("late retry");
    expect(d?.summary).toContain("TTL");
  });

  it("names an operator's release, with who and why from the audit log", () => {
    const d = explainDuplicate(
      [
        ev("02:00:00.000", "claimed", "web-1"),
        ev("02:20:00.000", "released", "idemscope"),
        ev("02:20:05.000", "completed", "web-1", 201),
        ev("02:21:00.000", "reclaimed", "web-2"),
        ev("02:21:01.000", "completed", "web-2", 201),
      ],
      [{ at: "2026-11-14T02:20:00.000Z", actor: "olga", action: "release", reason: "INC-1" }],
    );
    expect(d?.cause).toBe("release");
    expect(d?.summary).toContain('by olga ("INC-1")');
  });

  it("falls back to a racing writer", () => {
    const d = explainDuplicate([
      ev("02:00:00.000", "claimed", "web-1"),
      ev("02:00:00.100", "completed", "web-1", 201),
      ev("02:00:00.200", "completed", "web-2", 201),
    ]);
    expect(d?.cause).toBe("race");
  });
});
