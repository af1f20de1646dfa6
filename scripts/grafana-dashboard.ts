// Writes deploy/grafana/idemscope.json, the Grafana dashboard for idemscope's /api/metrics
// (`npm run grafana-dashboard`; a test fails when the file is not what this script writes).
// Every replica reports the same store-wide series, so queries take `max by (…)` over the
// labels that matter to count replicas once, like the alert rules.
import { writeFileSync } from "node:fs";
import path from "node:path";

type Target = { expr: string; legendFormat: string };
type PanelSpec = {
  title: string;
  description: string;
  kind: "stat" | "timeseries" | "bars";
  unit: string;
  targets: Target[];
  w: number;
  h: number;
  /** value from which a stat turns red (and, when given, amber) */
  red?: number;
  amber?: number;
  /** legend names drawn as a dashed reference line (targets, budgets) */
  dashed?: string[];
};

const SEL = `job="$job", endpoint=~"$endpoint"`;
const JOB = `job="$job"`;
const perEndpoint = (metric: string, extra = "") => `max by (endpoint${extra}) (${metric})`;
const increase = (metric: string, range: string) =>
  `sum(${perEndpoint(`increase(${metric}{${SEL}}[${range}])`)})`;
const latency = (q: number): Target => ({
  expr: `histogram_quantile(${q}, sum by (le) (${perEndpoint(`rate(idemscope_replay_latency_seconds_bucket{${SEL}}[$__rate_interval])`, ", le")}))`,
  legendFormat: `p${Math.round(q * 100)}`,
});
const duplicateRate = (range: string) =>
  `${increase("idemscope_duplicate_successes_total", range)} / ${increase("idemscope_first_successes_total", range)}`;

const ON_CALL: PanelSpec[] = [
  {
    title: "Stuck keys",
    description:
      "Keys in progress past their endpoint's lock timeout: their retries get 409 until released or failed (idemscope → Stuck keys).",
    kind: "stat",
    unit: "short",
    red: 1,
    w: 6,
    h: 4,
    targets: [
      { expr: `sum(${perEndpoint(`idemscope_stuck_keys{${SEL}}`)})`, legendFormat: "stuck" },
    ],
  },
  {
    title: "Oldest stuck key",
    description: "Time since the oldest stuck key was locked.",
    kind: "stat",
    unit: "s",
    amber: 300,
    red: 900,
    w: 6,
    h: 4,
    targets: [
      { expr: `max(idemscope_stuck_key_oldest_age_seconds{${SEL}})`, legendFormat: "oldest" },
    ],
  },
  {
    title: "Duplicate success rate (last hour)",
    description:
      "Intents that succeeded more than once / intents that succeeded, over the last hour. Target: under 0.1 %.",
    kind: "stat",
    unit: "percentunit",
    red: 0.001,
    w: 6,
    h: 4,
    targets: [{ expr: duplicateRate("1h"), legendFormat: "rate" }],
  },
  {
    title: "Collector lag",
    description:
      "Seconds since the rollup collector last caught up with the events table: every idemscope number is this old.",
    kind: "stat",
    unit: "s",
    amber: 30,
    red: 120,
    w: 6,
    h: 4,
    targets: [{ expr: `max(idemscope_collector_lag_seconds{${JOB}})`, legendFormat: "lag" }],
  },
  {
    title: "Requests by outcome",
    description:
      "Requests per second: claimed (new work), reclaimed (expired lock taken over), replayed (stored response), conflict (409), mismatch (422).",
    kind: "timeseries",
    unit: "reqps",
    w: 12,
    h: 8,
    targets: [
      {
        expr: `sum by (outcome) (${perEndpoint(`rate(idemscope_requests_total{${SEL}}[$__rate_interval])`, ", outcome")})`,
        legendFormat: "{{outcome}}",
      },
    ],
  },
  {
    title: "Stuck keys by endpoint",
    description: "Stuck (or orphaned) keys per endpoint.",
    kind: "timeseries",
    unit: "short",
    w: 12,
    h: 8,
    targets: [{ expr: perEndpoint(`idemscope_stuck_keys{${SEL}}`), legendFormat: "{{endpoint}}" }],
  },
  {
    title: "Replay latency",
    description: "Time to answer a retry from the stored response (p50, p95, p99).",
    kind: "timeseries",
    unit: "s",
    w: 8,
    h: 8,
    targets: [latency(0.5), latency(0.95), latency(0.99)],
  },
  {
    title: "Conflicts and mismatches",
    description:
      "409 (same key still in progress) and 422 (same key, different payload) answers per second.",
    kind: "timeseries",
    unit: "reqps",
    w: 8,
    h: 8,
    targets: [
      {
        expr: `sum by (outcome) (${perEndpoint(`rate(idemscope_requests_total{${SEL}, outcome=~"conflict|mismatch"}[$__rate_interval])`, ", outcome")})`,
        legendFormat: "{{outcome}}",
      },
    ],
  },
  {
    title: "Collector and scrape health",
    description:
      "Collector lag (seconds) and whether Prometheus can scrape each idemscope replica (1 = up).",
    kind: "timeseries",
    unit: "s",
    w: 8,
    h: 8,
    targets: [
      { expr: `max(idemscope_collector_lag_seconds{${JOB}})`, legendFormat: "collector lag" },
      { expr: `up{${JOB}}`, legendFormat: "up {{instance}}" },
    ],
  },
];

const EXECUTIVE: PanelSpec[] = [
  {
    title: "Duplicate success rate per day vs target",
    description: "Daily duplicate success rate against the 0.1 % target (dashed).",
    kind: "timeseries",
    unit: "percentunit",
    w: 12,
    h: 8,
    dashed: ["target"],
    targets: [
      { expr: duplicateRate("1d"), legendFormat: "duplicate success rate" },
      {
        expr: `max(idemscope_duplicate_success_rate_target_ratio{${JOB}})`,
        legendFormat: "target",
      },
    ],
  },
  {
    title: "Duplicates prevented per day",
    description:
      "Retries answered from the store instead of doing the work again (replays), per day.",
    kind: "bars",
    unit: "short",
    w: 12,
    h: 8,
    targets: [
      {
        expr: `sum(${perEndpoint(`increase(idemscope_requests_total{${SEL}, outcome="replayed"}[1d])`)})`,
        legendFormat: "replays",
      },
    ],
  },
  {
    title: "Manual interventions (30 days)",
    description: "Stuck keys released or failed by an operator over the last 30 days.",
    kind: "stat",
    unit: "short",
    w: 6,
    h: 4,
    targets: [
      { expr: increase("idemscope_operator_actions_total", "30d"), legendFormat: "actions" },
    ],
  },
  {
    title: "Store growth per day",
    description: "Bytes the store's tables grew per day, over the last day.",
    kind: "stat",
    unit: "bytes",
    w: 6,
    h: 4,
    targets: [
      {
        expr: `sum(max by (table) (deriv(idemscope_store_table_bytes{${JOB}}[1d]))) * 86400`,
        legendFormat: "growth",
      },
    ],
  },
  {
    title: "Keys waiting for the purger",
    description: "Keys past their expiry still in the table, and how long the oldest has waited.",
    kind: "stat",
    unit: "short",
    w: 6,
    h: 4,
    targets: [{ expr: `max(idemscope_store_expired_keys{${JOB}})`, legendFormat: "keys" }],
  },
  {
    title: "Oldest expired key",
    description:
      "Time since the oldest key still in the table expired; above the purge grace the purger is behind.",
    kind: "stat",
    unit: "s",
    amber: 600,
    red: 900,
    w: 6,
    h: 4,
    targets: [
      {
        expr: `max(idemscope_store_oldest_expired_key_age_seconds{${JOB}})`,
        legendFormat: "oldest",
      },
    ],
  },
  {
    title: "Store size vs budget",
    description: "Bytes per table (indexes included) and the configured size budget (dashed).",
    kind: "timeseries",
    unit: "bytes",
    w: 24,
    h: 8,
    dashed: ["budget"],
    targets: [
      { expr: `max by (table) (idemscope_store_table_bytes{${JOB}})`, legendFormat: "{{table}}" },
      { expr: `max(idemscope_store_size_budget_bytes{${JOB}})`, legendFormat: "budget" },
    ],
  },
];

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function thresholds(p: PanelSpec) {
  const steps: { color: string; value: number | null }[] = [{ color: "green", value: null }];
  if (p.amber !== undefined) steps.push({ color: "orange", value: p.amber });
  if (p.red !== undefined) steps.push({ color: "red", value: p.red });
  return { mode: "absolute", steps };
}

function panel(p: PanelSpec, id: number, x: number, y: number) {
  const base = {
    id,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos: { h: p.h, w: p.w, x, y },
    targets: p.targets.map((t, i) => ({
      datasource: DATASOURCE,
      refId: String.fromCharCode(65 + i),
      expr: t.expr,
      legendFormat: t.legendFormat,
      ...(p.kind === "bars" ? { interval: "1d" } : {}),
    })),
  };
  if (p.kind === "stat") {
    return {
      ...base,
      type: "stat",
      fieldConfig: {
        defaults: {
          unit: p.unit,
          decimals: p.unit === "percentunit" ? 2 : undefined,
          thresholds: thresholds(p),
          color: { mode: "thresholds" },
        },
        overrides: [],
      },
      options: {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        colorMode: "background",
        graphMode: "area",
        textMode: "value",
      },
    };
  }
  return {
    ...base,
    type: "timeseries",
    fieldConfig: {
      defaults: {
        unit: p.unit,
        min: 0,
        custom: {
          drawStyle: p.kind === "bars" ? "bars" : "line",
          fillOpacity: p.kind === "bars" ? 80 : 10,
          lineWidth: 2,
          showPoints: "never",
        },
      },
      overrides: (p.dashed ?? []).map((name) => ({
        matcher: { id: "byName", options: name },
        properties: [
          { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
          { id: "custom.fillOpacity", value: 0 },
          { id: "color", value: { mode: "fixed", fixedColor: "red" } },
        ],
      })),
    },
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi", sort: "none" },
    },
  };
}

/** Lays panels left to right under a row header, wrapping at Grafana's 24 columns. */
function layout(rows: [string, PanelSpec[]][]) {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const [title, specs] of rows) {
    panels.push({
      id: id++,
      type: "row",
      title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const spec of specs) {
      if (x + spec.w > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      panels.push(panel(spec, id++, x, y));
      x += spec.w;
      rowHeight = Math.max(rowHeight, spec.h);
    }
    y += rowHeight;
  }
  return panels;
}

export function buildDashboard() {
  return {
    uid: "idemscope",
    title: "idemscope — idempotency store",
    description:
      "Duplicate success rate, stuck keys, replays, store growth and the collector, from idemscope's /api/metrics.",
    tags: ["idemscope", "idempotency"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-24h", to: "now" },
    timezone: "",
    links: [],
    annotations: { list: [] },
    templating: {
      list: [
        {
          name: "datasource",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          current: {},
          hide: 0,
        },
        {
          name: "job",
          label: "Job",
          type: "query",
          datasource: DATASOURCE,
          query: { query: "label_values(idemscope_requests_total, job)", refId: "job" },
          definition: "label_values(idemscope_requests_total, job)",
          refresh: 1,
          current: {},
          hide: 0,
        },
        {
          name: "endpoint",
          label: "Endpoint",
          type: "query",
          datasource: DATASOURCE,
          query: {
            query: 'label_values(idemscope_requests_total{job="$job"}, endpoint)',
            refId: "endpoint",
          },
          definition: 'label_values(idemscope_requests_total{job="$job"}, endpoint)',
          refresh: 2,
          multi: true,
          includeAll: true,
          allValue: ".*",
          current: {},
          hide: 0,
        },
      ],
    },
    panels: layout([
      ["On-call", ON_CALL],
      ["Executive", EXECUTIVE],
    ]),
  };
}

export const DASHBOARD_PATH = path.join(
  import.meta.dirname,
  "..",
  "deploy",
  "grafana",
  "idemscope.json",
);
export const dashboardText = () => `${JSON.stringify(buildDashboard(), null, 2)}\n`;

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(DASHBOARD_PATH, dashboardText());
  console.log(`wrote ${DASHBOARD_PATH}`);
}
