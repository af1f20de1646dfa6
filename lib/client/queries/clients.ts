// react-query options for the Clients pages.
import { queryOptions } from "@tanstack/react-query";
import type {
  ClientDetail,
  ClientList,
  ClientRange,
  ClientSort,
  SortDir,
} from "../api-types/clients";
import { fetchJson } from "./fetch-json";
import { searchString } from "./search-string";

export type ClientsQuery = { range: ClientRange; sort: ClientSort; dir: SortDir; cursor?: string };

export function clientsSearch(q: ClientsQuery): string {
  return searchString(q);
}

export function clientsQuery(q: ClientsQuery) {
  return queryOptions({
    queryKey: ["clients", q] as const,
    queryFn: ({ signal }) =>
      fetchJson<ClientList>(`/api/v1/clients?${clientsSearch(q)}`, { signal }),
  });
}

/** The page of one client; the name is any string, so it is always URL-encoded. */
export function clientHref(scope: string, range?: ClientRange): string {
  return `/clients/${encodeURIComponent(scope)}${range ? `?range=${range}` : ""}`;
}

export function clientDetailQuery(scope: string, range: ClientRange) {
  return queryOptions({
    queryKey: ["client", scope, range] as const,
    queryFn: ({ signal }) =>
      fetchJson<ClientDetail>(
        `/api${clientHref(scope, range).replace("/clients", "/v1/clients")}`,
        {
          signal,
        },
      ),
  });
}
