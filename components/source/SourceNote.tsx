import { AppLink as Link } from "@/components/ui/AppLink";
import type { SourceSummary } from "@/lib/client/api-types/source";
import { formatPercent } from "@/lib/client/format";
import { captureName } from "./captureName";
import { Instant } from "@/components/ui/TimeZone";

const BLIND_LABELS = { replays: "replays", conflicts: "409s", mismatches: "mismatches" } as const;

/** Where a preset's numbers come from and which requests it cannot count (nothing for the contract). */
export function SourceNote({ source }: { source: SourceSummary }) {
  if (!source.mapped) return null;
  if (source.notCaptured.store)
    return (
      <p className="muted" data-testid="source-note">
        From the services&apos; OpenTelemetry spans alone (no table of the store is read)
        {source.since ? (
          <>
            {" since "}
            <Instant iso={source.since} noSeconds />
          </>
        ) : null}
        : every keyed request, its outcome and its latency. Stuck keys and the store&apos;s size are
        not visible without the store. <Link href="/store#source">What each panel can see →</Link>
      </p>
    );
  const blind = (Object.keys(BLIND_LABELS) as (keyof typeof BLIND_LABELS)[])
    .filter((k) => source.notCaptured[k])
    .map((k) => BLIND_LABELS[k]);

  const through = captureName(source);
  const ratio = source.spanSamplingRatio;
  const sampled =
    source.spans && ratio !== null && ratio < 1
      ? ` Spans are sampled at ${formatPercent(ratio)}: replays, 409s and 422s are counted from that share of requests only (about ${Math.round(1 / ratio)}× fewer than happened).`
      : "";
  return (
    <p className="muted" data-testid="source-note">
      From {source.table} ({source.preset}) through {through}
      {source.since ? (
        <>
          {" since "}
          <Instant iso={source.since} noSeconds />
        </>
      ) : null}
      {blind.length > 0
        ? `: claims, reclaims and completions; ${blind.join(", ")} write nothing in this layout and are not counted.`
        : "."}
      {source.importedBefore
        ? " Before that, each row the table held was imported as its first request and its outcome: retries, replays and duplicates before it were not recorded."
        : ""}
      {sampled} <Link href="/store#source">What each panel can see →</Link>
    </p>
  );
}
