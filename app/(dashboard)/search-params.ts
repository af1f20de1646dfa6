// Typed URL state of the Overview, shared by the server page and the client.
import { rangeFromSearchParam, type Range } from "@/lib/client/range";
import { refreshFromSearchParam, type RefreshSeconds } from "@/lib/client/refresh";

export type RawSearchParams = Record<string, string | string[] | undefined>;
export type OverviewParams = { range: Range; refresh: RefreshSeconds };

export function parseOverviewParams(sp: RawSearchParams): OverviewParams {
  return {
    range: rangeFromSearchParam(sp.range, "15m"),
    refresh: refreshFromSearchParam(sp.refresh),
  };
}
