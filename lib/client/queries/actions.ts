// The release/fail calls the Stuck keys page makes (react-query mutations wrap these).
import type { BulkFilter, BulkResult, KeyAction, KeyActionResult } from "../api-types/actions";
import { fetchJson } from "./fetch-json";

const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export function postKeyAction(id: string, action: KeyAction, reason: string) {
  return fetchJson<KeyActionResult>(
    `/api/v1/keys/${encodeURIComponent(id)}/${action}`,
    post({ reason }),
  );
}

export function postBulkAction(body: {
  action: KeyAction;
  filter: BulkFilter;
  reason: string;
  dryRun: boolean;
  confirmedCount?: number;
}) {
  return fetchJson<BulkResult>("/api/v1/stuck/bulk", post(body));
}
