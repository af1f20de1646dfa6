// The shipped alert rules (deploy/prometheus/alerts.yml): documented, linked to a runbook that
// exists, and each covered by promtool tests both firing and not firing. promtool itself runs
// the rule tests in `npm test` (scripts/test.sh).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { documentedSeries } from "../helpers/metrics-doc";

const dir = path.join(import.meta.dirname, "..", "..", "deploy", "prometheus");
type Rule = {
  alert?: string;
  record?: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: Record<string, string>;
};
const rules = (
  parse(readFileSync(path.join(dir, "alerts.yml"), "utf8")) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
type AlertTest = { alertname: string; exp_alerts: unknown[] };
const ruleTests = (
  parse(readFileSync(path.join(dir, "alerts.test.yml"), "utf8")) as {
    tests: { alert_rule_test?: AlertTest[] }[];
  }
).tests.flatMap((t) => t.alert_rule_test ?? []);
const runbooks = readFileSync(path.join(dir, "..", "..", "docs", "runbooks.md"), "utf8");

describe("deploy/prometheus/alerts.yml", () => {
  it("has the alerts the platform team needs", () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      "IdemscopeDuplicateSuccessRateHigh",
      "IdemscopeKeysStuck",
      "IdemscopePurgerBehind",
      "IdemscopeStoreGrowthOverBudget",
      "IdemscopeCollectorDown",
      "IdemscopeCollectorLagging",
      "IdemscopeCollectorErrors",
      "IdemscopeCollectorElectionBlocked",
      "IdemscopeCaptureErrors",
      "IdemscopeCaptureSlotLagging",
      "IdemscopeCaptureSlotWalFilling",
      "IdemscopeCaptureSlotLost",
      "IdemscopeCaptureDeadLetters",
      "IdemscopeCaptureQueueFilling",
      "IdemscopeCaptureHeartbeatsForged",
      "IdemscopeCaptureDecoderRestarting",
      "IdemscopeCaptureSlotInactive",
      "IdemscopeCaptureSlotWalUnbounded",
      "IdemscopeDuplicatesUnreconciled",
      "IdemscopeScrapeFailing",
    ]);
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))(
    "%s has a severity, a summary, a description and a runbook that exists",
    (name, a) => {
      expect(["critical", "warning"]).toContain(a.labels?.severity);
      expect(a.annotations?.summary?.length ?? 0).toBeGreaterThan(20);
      expect(a.annotations?.description?.length ?? 0).toBeGreaterThan(60);
      expect(a.annotations?.runbook_url).toBe(`docs/runbooks.md#${name.toLowerCase()}`);
      expect(runbooks).toMatch(new RegExp(`^## ${name}$`, "m"));
    },
  );

  it.each(alerts.map((a) => [a.alert!] as const))(
    "%s is tested by promtool both firing and not firing",
    (name) => {
      const cases = ruleTests.filter((t) => t.alertname === name);
      expect(cases.some((t) => t.exp_alerts.length > 0)).toBe(true);
      expect(cases.some((t) => t.exp_alerts.length === 0)).toBe(true);
    },
  );

  it("reads only documented series and its own recording rules", () => {
    const known = new Set(documentedSeries().map((s) => s.name));
    for (const r of rules) if (r.record) known.add(r.record);
    known.add("up");
    for (const r of rules) {
      const names = [...r.expr.matchAll(/\b(idemscope[a-z0-9_:]*|up)(?=[{[)\s])/g)].map(
        (m) => m[1]!,
      );
      expect(names.length, r.expr).toBeGreaterThan(0);
      for (const n of names) expect(known, r.alert ?? r.record).toContain(n);
    }
  });
});
