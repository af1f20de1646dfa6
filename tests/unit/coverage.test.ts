// What a source sees depends on its preset and on its captures together: logical decoding cannot
// see the claims node-idempotency refuses (they write nothing to the WAL), spans add the requests
// that write nothing and replay latency, and spans only supply what the rows cannot (never twice).
import { describe, expect, it } from "vitest";
import {
  coverageOf,
  kindsFromSpans,
  LOGICAL_REFUSED_CLAIMS,
  NO_RESPONSE_TIME,
  sourceSees,
} from "../../lib/contract/coverage";
import { BUILT_IN_PRESETS } from "../../lib/contract/presets";
import { LOGICAL, TRIGGERS } from "../../lib/contract/capture-modes";

const preset = (name: string) => BUILT_IN_PRESETS.get(name)!;

describe("what a source sees", () => {
  it("stripe-style: rows show no replay, 409 or 422; spans show them all, and replay latency", () => {
    const rows = sourceSees({ preset: preset("stripe-style"), capture: LOGICAL, spans: false });
    expect(rows.replays).toMatch(/writes nothing/);
    expect(rows.replayLatency).toBe(NO_RESPONSE_TIME);
    const withSpans = sourceSees({
      preset: preset("stripe-style"),
      capture: LOGICAL,
      spans: true,
    });
    expect([
      withSpans.replays,
      withSpans.conflicts,
      withSpans.mismatches,
      withSpans.replayLatency,
    ]).toEqual([true, true, true, true]);
    expect(
      kindsFromSpans({ preset: preset("stripe-style"), capture: LOGICAL, spans: true }),
    ).toEqual(["replayed", "conflict", "mismatch"]);
  });

  it("node-idempotency: triggers see refused claims, logical decoding cannot; spans fill in only then", () => {
    const p = preset("node-idempotency");
    expect(sourceSees({ preset: p, capture: TRIGGERS, spans: false }).replays).toBe(true);
    expect(sourceSees({ preset: p, capture: LOGICAL, spans: false }).conflicts).toBe(
      LOGICAL_REFUSED_CLAIMS,
    );
    expect(kindsFromSpans({ preset: p, capture: TRIGGERS, spans: true })).toEqual([]);
    expect(kindsFromSpans({ preset: p, capture: LOGICAL, spans: true })).toEqual([
      "replayed",
      "conflict",
      "mismatch",
    ]);
  });

  it("masstransit: redeliveries are rows (replays), so spans would add only what it cannot see", () => {
    const p = preset("masstransit-inbox");
    expect(kindsFromSpans({ preset: p, capture: LOGICAL, spans: true })).toEqual([
      "conflict",
      "mismatch",
    ]);
  });

  it("names the capture and the spans in the coverage it prints", () => {
    const rows = coverageOf({ preset: preset("stripe-style"), capture: LOGICAL, spans: true });
    const by = Object.fromEntries(rows.map((r) => [r.panel, r]));
    expect(by["Requests"]).toMatchObject({ status: "available" });
    expect(by["Requests"]!.detail).toMatch(
      /by logical decoding; replays, conflicts and mismatches from the service's OpenTelemetry spans/,
    );
    expect(by["Replay ratio"]!.detail).toMatch(/OpenTelemetry spans/);
    expect(by["Replay latency"]).toMatchObject({ status: "available" });
    expect(by["Duplicate successes"]!.detail).toBe("completions captured by logical decoding");
    // the rule a span-derived 409 or 422 is counted by, visible where the numbers are explained
    expect(by["Conflicts (409)"]!.detail).toMatch(
      /status IDEMSCOPE_SPAN_CONFLICT_STATUS \(409\) names, whoever answered it/,
    );
    expect(by["Mismatches (422)"]!.detail).toMatch(/a framework's validation error too/);
  });
});
