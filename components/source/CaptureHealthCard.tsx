import type { CaptureHealth } from "@/lib/client/api-types/source";
import { StatTile } from "@/components/ui/StatTile";
import { formatBytes, formatCount } from "@/lib/client/format";

/**
 * Capture's backlog and losses on the Store page (docs/reliability.md): the queue against its
 * bound, the changes skipped, and the dead letters with their errors, so a bad row is seen, not
 * silently missing from the numbers.
 */
export function CaptureHealthCard({ capture }: { capture: CaptureHealth }) {
  const dead = capture.deadLetters ?? 0;
  const share =
    capture.queueBytes !== null && capture.queueLimitBytes
      ? capture.queueBytes / capture.queueLimitBytes
      : null;
  return (
    <section className="card" id="capture-health" data-testid="store-capture-health">
      <h2>Capture health</h2>
      <p className="muted">
        Row changes wait in idemscope&apos;s queue until the collector derives their events. A
        change whose derivation fails on its own data is kept as a dead letter, alone; the rest
        drain on.
      </p>
      <div className="tiles">
        <StatTile
          label="Queued changes"
          value={capture.queued === null ? "–" : formatCount(capture.queued)}
          detail={
            capture.queueBytes === null
              ? "the queue is missing"
              : `${formatBytes(capture.queueBytes)} of ${formatBytes(capture.queueLimitBytes ?? 0)} allowed`
          }
          tone={share !== null && share > 0.5 ? "bad" : "neutral"}
        />
        <StatTile
          label="Skipped changes"
          value={formatCount(capture.captureErrors ?? 0)}
          detail="since connect: queue missing or full, or dead-lettered"
          tone={(capture.captureErrors ?? 0) > 0 ? "warn" : "ok"}
        />
        <StatTile
          label="Dead letters"
          value={formatCount(dead)}
          detail={dead > 0 ? "changes the preset cannot derive" : "none"}
          tone={dead > 0 ? "bad" : "ok"}
          testId="store-dead-letters"
        />
      </div>
      {capture.recentDeadLetters.length > 0 ? (
        <table className="table" aria-label="Newest dead letters">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Change</th>
              <th scope="col">SQLSTATE</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {capture.recentDeadLetters.map((d, i) => (
              <tr key={`${d.at}-${i}`}>
                <td>
                  <time dateTime={d.at}>{d.at.replace("T", " ").slice(0, 19)} UTC</time>
                </td>
                <td>{d.op}</td>
                <td className="mono">{d.sqlstate}</td>
                <td>{d.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
