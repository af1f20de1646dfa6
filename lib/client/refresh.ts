// Auto-refresh intervals a user can pick (kept in the URL as ?refresh=seconds, 0 = paused).
export const REFRESH_CHOICES = [5, 10, 30, 60, 0] as const;
export type RefreshSeconds = (typeof REFRESH_CHOICES)[number];
export const DEFAULT_REFRESH: RefreshSeconds = 5;

export function refreshFromSearchParam(value: unknown): RefreshSeconds {
  const n = Number(value);
  return (REFRESH_CHOICES as readonly number[]).includes(n) && value !== undefined && value !== ""
    ? (n as RefreshSeconds)
    : DEFAULT_REFRESH;
}

/** react-query's refetchInterval for a chosen refresh (paused: none). */
export function refetchIntervalOf(refresh: RefreshSeconds): number | false {
  return refresh === 0 ? false : refresh * 1000;
}
