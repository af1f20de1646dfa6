// Typed URL state of the Stuck keys page (the filter form submits these as a GET).
import type { StuckQuery } from "@/lib/client/queries/stuck";
import type { RawSearchParams } from "../search-params";

function text(v: string | string[] | undefined): string | undefined {
  const s = typeof v === "string" ? v.trim() : undefined;
  return s && s.length <= 255 ? s : undefined;
}

export const MIN_AGE_CHOICES = [0, 300, 600, 1800, 3600, 21600, 86400] as const;

export function parseStuckParams(sp: RawSearchParams): StuckQuery {
  const minAge = Number(sp.minAgeSeconds);
  return {
    endpoint: text(sp.endpoint),
    scope: text(sp.scope),
    lockOwner: text(sp.lockOwner),
    minAgeSeconds:
      (MIN_AGE_CHOICES as readonly number[]).includes(minAge) && minAge > 0 ? minAge : undefined,
    order: sp.order === "newest" ? "newest" : undefined,
    cursor: text(sp.cursor),
  };
}
