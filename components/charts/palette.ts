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

// CSS variables (app/globals.css): the charts follow the light or dark theme
export const AXIS_COLOR = "var(--chart-axis)";
export const GRID_COLOR = "var(--chart-grid)";
export const STUCK_COLOR = "#d97706";
