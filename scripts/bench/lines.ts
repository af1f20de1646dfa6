// The one-line summaries the bench prints of each measurement (docs/performance.md quotes them).
import type { CaptureOverhead } from "./capture-overhead";
import type { ConnectFold } from "./connect-fold";
import { fmt } from "./context";
import type { LogicalCaptureResult } from "./logical-capture";

export function connectLine(c: ConnectFold): string {
  const s = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)} s`);
  const writer =
    c.writer.rate > 0
      ? `while the reference writer serves ${c.writer.rate} requests/s`
      : "on an idle store (no writer)";
  return `Connecting (history folded newest first by the collector ${writer}${c.limited ? `, rate-limited for about ${c.limited.seconds.toFixed(0)} s of it: ${c.limited.reason}` : ", no rate limit"}): last hour complete after ${s(c.lastHourSeconds)}, last day after ${s(c.lastDaySeconds)}, all ${c.events.toLocaleString("en-US")} events after ${s(c.allSeconds)} = ${Math.round(c.eventsPerSecond).toLocaleString("en-US")} events/s; writer before p50 ${fmt(c.writer.before.p50)} / p95 ${fmt(c.writer.before.p95)}, during p50 ${fmt(c.writer.during.p50)} / p95 ${fmt(c.writer.during.p95)} (a SELECT 1 p95 ${fmt(c.select1.before.p95)} → ${fmt(c.select1.during.p95)}); its events folded live after p50 ${fmt(c.liveLag.p50)} / p95 ${fmt(c.liveLag.p95)} while the history folded${c.rebuildSeconds === null ? "" : `; the indexes it filled rebuilt ${c.rebuildSeconds.toFixed(0)} s later`}; WAL ${Math.round(c.wal.bytesPerEvent)} B an event (${c.wal.fullPagesPerThousandEvents.toFixed(1)} full-page images a thousand events, WAL buffers full ${c.wal.buffersFull} times); measured after ${c.quietSeconds.toFixed(0)} s waiting for a quiet store`;
}

export function captureLine(c: CaptureOverhead): string {
  const slower = (on: number, off: number) => `${(((on - off) / off) * 100).toFixed(1)} %`;
  return `Trigger capture (stripe-style, rocket-rides' request: 4 writing transactions; tables of ${c.tableRows.toLocaleString("en-US")} rows; ${c.requests.toLocaleString("en-US")} requests per side, both sides at once, ${c.concurrency / 2} workers each): without p50 ${fmt(c.off.p50)} / p95 ${fmt(c.off.p95)}; with p50 ${fmt(c.on.p50)} / p95 ${fmt(c.on.p95)} (p50 ${slower(c.on.p50, c.off.p50)}, p95 ${slower(c.on.p95, c.off.p95)}); ${c.capturedChanges.toLocaleString("en-US")} row changes captured; timed: completed requests only (refused by SERIALIZABLE: ${c.refused.off} without, ${c.refused.on} with)`;
}

export function logicalLine(c: LogicalCaptureResult): string {
  const slower = (a: number, b: number) =>
    `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)} %`;
  const how =
    c.pattern === "lean"
      ? "claim INSERT + completion UPDATE, autocommit"
      : "rocket-rides' request, 4 SERIALIZABLE transactions";
  return `Logical capture (stripe-style through a slot; ${how}; target ${c.targetWritesPerSecond.toLocaleString("en-US")} writes/s; achieved ${c.achievedWritesPerSecond.off.toLocaleString("en-US")} without, ${c.achievedWritesPerSecond.on.toLocaleString("en-US")} with): event lag p50 ${c.lag.p50.toFixed(2)} s / p95 ${c.lag.p95.toFixed(2)} s / max ${c.lag.max.toFixed(2)} s (${c.lag.samples} samples); service latency without p50 ${fmt(c.off.p50)} / p95 ${fmt(c.off.p95)}, with p50 ${fmt(c.on.p50)} / p95 ${fmt(c.on.p95)} (p50 ${slower(c.on.p50, c.off.p50)}, p95 ${slower(c.on.p95, c.off.p95)}); ${c.capturedEvents.toLocaleString("en-US")} events captured; WAL per write ${c.walBytesPerWrite.off} B without, ${c.walBytesPerWrite.on} B with (REPLICA IDENTITY FULL and idemscope's own writes); cores used while captured: ${Object.entries(
    c.cpu,
  )
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ")}`;
}
