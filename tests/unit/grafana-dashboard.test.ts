// The shipped Grafana dashboard: what scripts/grafana-dashboard.ts writes, and a structure that
// imports cleanly (every query is also run against a real Prometheus in tests/e2e).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DASHBOARD_PATH, dashboardText } from "../../scripts/grafana-dashboard";
import { documentedSeries } from "../helpers/metrics-doc";

type Panel = {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource: { uid: string } }[];
  fieldConfig?: { defaults: { unit?: string } };
};
const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, "utf8")) as {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string }[] };
  panels: Panel[];
};

describe("deploy/grafana/idemscope.json", () => {
  it("is what scripts/grafana-dashboard.ts writes (run `npm run grafana-dashboard`)", () => {
    expect(readFileSync(DASHBOARD_PATH, "utf8")).toBe(dashboardText());
  });

  it("has an id, a schema version, and data source, job and endpoint variables", () => {
    expect(dashboard.uid).toBe("idemscope");
    expect(dashboard.title).toMatch(/idemscope/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ["datasource", "datasource"],
      ["job", "query"],
      ["endpoint", "query"],
    ]);
  });

  it("lays out an On-call and an Executive row on a 24-column grid without overlaps", () => {
    const rows = dashboard.panels.filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["On-call", "Executive"]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x >= 0 && w > 0 && x + w <= 24 && h > 0, p.title).toBe(true);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
    }
  });

  it("gives every panel a title, a description, a unit and queries of documented series only", () => {
    const known = new Set(documentedSeries().map((s) => s.name));
    known.add("up");
    const panels = dashboard.panels.filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThanOrEqual(12);
    for (const p of panels) {
      expect(["stat", "timeseries"]).toContain(p.type);
      expect(p.title.length).toBeGreaterThan(3);
      expect(p.description?.length ?? 0, p.title).toBeGreaterThan(10);
      expect(p.fieldConfig?.defaults.unit, p.title).toBeTruthy();
      expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets?.length ?? 0, p.title).toBeGreaterThan(0);
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) {
        expect(t.datasource.uid).toBe("${datasource}");
        const names = [...t.expr.matchAll(/\b(idemscope_[a-z_]+|up)\b(?=\{|\[|\))/g)].map((m) =>
          m[1]!.replace(/_(bucket|sum|count)$/, ""),
        );
        expect(names.length, t.expr).toBeGreaterThan(0);
        for (const n of names) expect(known, `${p.title}: ${n}`).toContain(n);
      }
    }
  });
});
