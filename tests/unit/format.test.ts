import { formatInstant, zoneOfCookie } from "../../lib/client/time-zone";
import { describe, expect, it } from "vitest";
import {
  formatMoney,
  formatMoneyCompact,
  formatCount,
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

describe("formatInstant", () => {
  it("writes the hour after midnight as 00, as browsers do (a server's 24 failed hydration)", () => {
    const text = formatInstant("2026-12-07T00:14:40Z", "UTC");
    expect(text).toBe("7 Dec, 00:14:40 UTC");
  });

  it("writes the day of the viewer's zone with that zone's name, never a UTC time on a local day", () => {
    // 6 Dec 05:05:46 UTC is the evening before in Los Angeles (the key timeline once wrote
    // "5 Dec 05:05:46 UTC": the local day beside the UTC time)
    expect(formatInstant("2026-12-06T05:05:46Z", "America/Los_Angeles")).toBe(
      "5 Dec, 21:05:46 PST",
    );
    expect(formatInstant("2026-12-06T05:05:46.123Z", "UTC", { ms: true, year: true })).toBe(
      "6 Dec 2026, 05:05:46.123 UTC",
    );
    expect(formatInstant("2026-07-01T12:00:00Z", "Europe/Berlin", { noSeconds: true })).toBe(
      "1 Jul, 14:00 GMT+2",
    );
  });

  it("takes a zone from the cookie only when it is one", () => {
    expect(zoneOfCookie("America/Los_Angeles")).toBe("America/Los_Angeles");
    expect(zoneOfCookie("Mars/Olympus")).toBe("UTC");
    expect(zoneOfCookie(undefined)).toBe("UTC");
  });
});

describe("formatMoneyCompact", () => {
  it("writes a tile's money so that it fits, the exact figure left for the hover", () => {
    expect(formatMoneyCompact(50_765.3, "EUR")).toBe("€50.8K");
    expect(formatMoneyCompact(1_234_567, "USD")).toBe("$1.2M");
    expect(formatMoneyCompact(950.5, "EUR")).toBe("€950.50");
    expect(formatMoney(50_765.3, "EUR")).toBe("€50,765.30");
  });

  it("writes a round figure as Chromium does, so a server-rendered tile hydrates", () => {
    // Node 20's ICU alone wrote "€10.0K" and "$1.0M" here (the /trends hydration error #418)
    expect(formatMoneyCompact(10_000, "EUR")).toBe("€10K");
    expect(formatMoneyCompact(1_000_000, "USD")).toBe("$1M");
  });
});
