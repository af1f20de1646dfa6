import { AppLink as Link } from "@/components/ui/AppLink";

/** Keyset pagination links: back to the first page, on to the next; either may be absent. */
export function Pager({
  firstHref,
  nextHref,
  firstLabel = "← First page",
  nextLabel = "Next page →",
}: {
  firstHref: string | null;
  nextHref: string | null;
  firstLabel?: string;
  nextLabel?: string;
}) {
  return (
    <p className="actions pager">
      {firstHref ? <Link href={firstHref}>{firstLabel}</Link> : null}
      {nextHref ? <Link href={nextHref}>{nextLabel}</Link> : null}
    </p>
  );
}
