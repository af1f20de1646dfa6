// react-query options for the Audit page.
import { queryOptions } from "@tanstack/react-query";
import type { AuditPage } from "../api-types/actions";
import { fetchJson } from "./fetch-json";
import { searchString } from "./search-string";

export type AuditQuery = {
  actor?: string;
  key?: string;
  keyId?: string;
  action?: "release" | "fail" | "reveal" | "reconcile";
  batchId?: string;
  cursor?: string;
};

export function auditSearch(q: AuditQuery): string {
  return searchString(q);
}

export function auditQuery(q: AuditQuery) {
  return queryOptions({
    queryKey: ["audit", q] as const,
    queryFn: ({ signal }) => fetchJson<AuditPage>(`/api/v1/audit?${auditSearch(q)}`, { signal }),
  });
}
