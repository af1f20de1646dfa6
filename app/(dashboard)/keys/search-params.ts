// Typed URL state of Key search. The form sends q + match; links and the global box send key or
// prefix directly. Values go to the API as typed: it validates and explains (400) what is wrong.
import type { KeySearchQuery } from "@/lib/client/queries/keys";
import { KEY_STATUSES, type KeyStatus } from "@/lib/client/api-types/keys";
import { RANGES, RANGE_SECONDS, type Range } from "@/lib/client/range";
import type { RawSearchParams } from "../search-params";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

export type KeySearchParams = KeySearchQuery & { range?: Range };

// an explicit window (from a chart's bar) as an ISO instant, or nothing when it is not one
function instant(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function parseKeySearchParams(sp: RawSearchParams, now = Date.now()): KeySearchParams {
  const q = one(sp.q);
  const match = one(sp.match);
  const range = one(sp.range);
  const status = one(sp.status);
  const validRange = (RANGES as readonly string[]).includes(range ?? "")
    ? (range as Range)
    : undefined;
  return {
    key: q !== undefined && q !== "" && match !== "prefix" ? q : nonEmpty(one(sp.key)),
    prefix: q !== undefined && q !== "" && match === "prefix" ? q : nonEmpty(one(sp.prefix)),
    scope: nonEmpty(one(sp.scope)),
    endpoint: nonEmpty(one(sp.endpoint)),
    status: (KEY_STATUSES as readonly string[]).includes(status ?? "")
      ? (status as KeyStatus)
      : undefined,
    range: validRange,
    // a range ("last 24 h") wins over an explicit window: choosing one in the form replaces it
    from: validRange
      ? new Date(
          Math.floor((now - RANGE_SECONDS[validRange] * 1000) / 60_000) * 60_000,
        ).toISOString()
      : instant(one(sp.from)),
    to: validRange ? undefined : instant(one(sp.to)),
    cursor: nonEmpty(one(sp.cursor)),
  };
}

/** The API query of the page (range is turned into from). */
export function apiQuery(p: KeySearchParams): KeySearchQuery {
  const { range: _range, ...rest } = p;
  return rest;
}

export function hasSearch(p: KeySearchParams): boolean {
  return Boolean(
    p.key || p.prefix || p.scope || p.endpoint || p.status || p.range || p.from || p.to,
  );
}
