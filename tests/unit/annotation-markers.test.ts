// Annotation markers land on the bucket that holds them; several in one bucket name themselves
// while they fit, oldest first; outside the chart's buckets they are left out.
import { describe, expect, it } from "vitest";
import { annotationUrl, markersOn } from "../../components/charts/annotation-markers";
import type { Annotation } from "../../lib/client/api-types/annotations";

const note = (at: string, text: string, version: string | null = null): Annotation => ({
  id: at,
  at,
  text,
  endpoint: null,
  version,
  actor: "ci:deploy",
});
const DAY = 86_400_000;
const days = ["2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z", "2026-11-22T00:00:00.000Z"];

describe("markersOn", () => {
  it("puts each annotation on its bucket and names the ones that share it, oldest first", () => {
    const markers = markersOn(days, DAY, [
      note("2026-11-21T15:00:00Z", "rollback payments-api to v140", "v140"),
      note("2026-11-21T10:00:00Z", "deploy payments-api v141", "v141"),
      note("2026-11-22T07:00:00Z", "card provider degraded (status page)"),
      // before the first bucket and after the last: not on this chart
      note("2026-11-19T23:59:59Z", "too early", "v1"),
      note("2026-11-23T00:00:00Z", "too late", "v9"),
    ]);
    expect(markers.map(({ first, ...m }) => ({ ...m, first: first.version }))).toEqual([
      {
        x: days[1],
        label: "v141 · v140",
        title:
          "2026-11-21T10:00:00Z deploy payments-api v141\n2026-11-21T15:00:00Z rollback payments-api to v140",
        // the marker opens the oldest of its bucket
        first: "v141",
      },
      {
        x: days[2],
        label: "card provider degraded…",
        title: "2026-11-22T07:00:00Z card provider degraded (status page)",
        first: null,
      },
    ]);
  });

  it("says how many more when the names do not fit", () => {
    const many = ["v201", "v202", "v203", "v204", "v205", "v206", "v207"].map((v, i) =>
      note(`2026-11-20T0${i}:00:00Z`, `deploy ${v}`, v),
    );
    expect(markersOn(days, DAY, many).map((m) => m.label)).toEqual(["v201 +6 more"]);
  });

  it("opens Trends at the shortest range that still shows the annotation", () => {
    const now = Date.parse("2026-11-30T00:00:00Z");
    const a = note("2026-11-28T00:00:00Z", "deploy", "v3");
    expect(annotationUrl(a, now)).toBe(
      "/trends?range=7d&annotation=2026-11-28T00%3A00%3A00Z#annotations",
    );
    expect(annotationUrl(note("2026-11-10T00:00:00Z", "x"), now)).toMatch(/range=30d/);
    expect(annotationUrl(note("2026-09-10T00:00:00Z", "x"), now)).toMatch(/range=90d/);
  });
});
