// JSON shape of GET /api/v1/stuck (docs/api.md), shared by the route and the page.
export type StuckKey = {
  id: string;
  scope: string;
  endpoint: string;
  key: string;
  /** null for an orphaned key (in progress, unlocked) */
  lockedAt: string | null;
  /** seconds since locked_at (or, orphaned, since the last update), on the database clock */
  ageSeconds: number;
  lockOwner: string | null;
  attempts: number;
  recoveryPoint: string | null;
  lockTimeoutSeconds: number;
};

export type StuckKeysPage = {
  items: StuckKey[];
  nextCursor: string | null;
  total: number;
  totalIsEstimate: boolean;
  /** why the source cannot list stuck keys at all (spans only: the store is not read), else null */
  notCaptured: string | null;
};

/** List order by age: oldest first (the default) or newest first. */
export const STUCK_ORDERS = ["oldest", "newest"] as const;
export type StuckOrder = (typeof STUCK_ORDERS)[number];
