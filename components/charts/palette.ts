// One palette for every chart: outcome colours mean the same thing everywhere.
export const OUTCOME_COLORS = {
  claimed: "#2563eb",
  reclaimed: "#9333ea",
  replayed: "#16a34a",
  conflict: "#f59e0b",
  mismatch: "#dc2626",
} as const;

export const OUTCOME_LABELS = {
  claimed: "Claimed (new work)",
  reclaimed: "Reclaimed (lock expired)",
  replayed: "Replayed",
  conflict: "Conflict 409",
  mismatch: "Mismatch 422",
} as const;

export const AXIS_COLOR = "#64748b";
export const GRID_COLOR = "#e2e8f0";
export const STUCK_COLOR = "#d97706";
