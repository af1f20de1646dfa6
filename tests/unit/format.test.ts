import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatDateTime,
  formatMs,
  formatPercent,
  formatRate,
} from "../../lib/client/format";
import { rangeFromSearchParam, rangeSchema } from "../../lib/client/range";
import { refreshFromSearchParam } from "../../lib/client/refresh";

describe("formatting", () => {
  it("formats rates against a 0.1 % target without losing the digits that matter", () => {
    expect(formatPercent(0.001)).toBe("0.1 %");
    expect(formatPercent(0.00024)).toBe("0.02 %");
    expect(formatPercent(0.146)).toBe("14.6 %");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(null)).toBe("–");
  });
  it("formats counts, per-minute rates and latencies", () => {
    expect(formatCount(12233)).toBe("12,233");
    expect(formatRate(8.53)).toBe("8.5");
    expect(formatMs(1.94)).toBe("1.9 ms");
    expect(formatMs(2500)).toBe("2.50 s");
    expect(formatMs(null)).toBe("–");
  });
});

describe("URL state", () => {
  it("parses ranges strictly for the API and leniently for pages", () => {
    expect(rangeSchema.safeParse("7d").success).toBe(true);
    expect(rangeSchema.safeParse("7 days").success).toBe(false);
    expect(rangeFromSearchParam("bogus")).toBe("15m");
    expect(rangeFromSearchParam(["1h", "6h"])).toBe("15m");
    expect(rangeFromSearchParam("30d")).toBe("30d");
  });
  it("accepts the offered refresh intervals only", () => {
    expect(refreshFromSearchParam("0")).toBe(0);
    expect(refreshFromSearchParam("30")).toBe(30);
    expect(refreshFromSearchParam("1")).toBe(5);
    expect(refreshFromSearchParam(undefined)).toBe(5);
  });
});

describe("formatDateTime", () => {
  it("writes the hour after midnight as 00, as browsers do (a server's 24 failed hydration)", () => {
    // the server formats in its own zone: pin it to the one that showed "24:14:40"
    const previous = process.env.TZ;
    process.env.TZ = "UTC";
    try {
      const text = formatDateTime("2026-12-07T00:14:40Z");
      expect(text).toContain("00:14:40");
      expect(text).not.toContain("24:");
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});
