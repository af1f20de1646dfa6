// Typed URL state of the Clients pages; anything unknown falls back to the default.
import {
  CLIENT_RANGES,
  CLIENT_SORTS,
  type ClientRange,
  type ClientSort,
} from "@/lib/client/api-types/clients";
import type { ClientsQuery } from "@/lib/client/queries/clients";
import type { RawSearchParams } from "../search-params";

export function clientRangeOf(v: unknown): ClientRange {
  return (CLIENT_RANGES as readonly unknown[]).includes(v) ? (v as ClientRange) : "24h";
}

export function parseClientsParams(sp: RawSearchParams): ClientsQuery {
  const sort = (CLIENT_SORTS as readonly unknown[]).includes(sp.sort)
    ? (sp.sort as ClientSort)
    : "requests";
  const cursor = typeof sp.cursor === "string" && sp.cursor.length <= 500 ? sp.cursor : undefined;
  return {
    range: clientRangeOf(sp.range),
    sort,
    dir: sp.dir === "asc" ? "asc" : "desc",
    ...(cursor ? { cursor } : {}),
  };
}
