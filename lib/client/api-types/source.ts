// JSON shape of the connected source, carried by the Overview and Store responses
// (docs/presets.md): what the numbers come from and what this layout cannot see.
export type CoverageStatus = "available" | "partial" | "unavailable";

export type SourceSummary = {
  /** the preset's name: "contract" where the store follows the contract */
  preset: string;
  title: string;
  /** the store's table the numbers are read from (the preset's own table, not the mapping view) */
  table: string | null;
  /** how the table's row changes are captured */
  capture: "contract events" | "triggers" | "logical" | "spans";
  /** the capture in words ("trigger capture") */
  captureLabel: string;
  /** read through a mapping view over a library's table (false: the contract's own tables) */
  mapped: boolean;
  /** OpenTelemetry spans add the requests that write nothing */
  spans: boolean;
  /** the services' trace sampling ratio when known: span-derived counts are this share of the real ones */
  spanSamplingRatio: number | null;
  /** when the capture was installed: nothing before it is known */
  since: string | null;
  /**
   * set when the rows the table held before `since` were imported (docs/capture.md): before it,
   * first requests and outcomes only; retries, replays and duplicates were not recorded
   */
  importedBefore: string | null;
  /** what the layout's capture cannot see, with the reason (absent: it can) */
  notCaptured: Partial<
    Record<
      | "reclaims"
      | "replays"
      | "conflicts"
      | "mismatches"
      | "clients"
      | "expiries"
      | "replayLatency"
      | "claimLatency"
      /** the store's keys: stuck keys, sizes and actions (a span-only source cannot read them) */
      | "store",
      string
    >
  >;
  coverage: { panel: string; status: CoverageStatus; detail: string }[];
};

/** Logical capture's slot, as the Overview and /api/metrics show it (lib/ingest/sources/slot-status.ts). */
export type SlotStatus = {
  slot: string;
  /** seconds since the decoder last had nothing left to apply (null: it never ran) */
  lagSeconds: number | null;
  lastAppliedCommitAt: string | null;
  /** a reader streams the slot now (null: not visible from here) */
  active: boolean | null;
  /** WAL the slot keeps on the store's disk */
  retainedWalBytes: number | null;
  /** WAL that may still be written before PostgreSQL invalidates the slot (null: unbounded) */
  safeWalBytes: number | null;
  /** PostgreSQL's wal_status: reserved, extended, unreserved or lost; "missing": dropped */
  walStatus: string | null;
  /** when these come from the consumer's last sample on the primary (null: read live) */
  sampledAt: string | null;
  lastError: { message: string; at: string } | null;
  /** heartbeat messages that were not signed with idemscope's key (forged or malformed) */
  heartbeatsRejected: number;
  /** times the decoder (re)started streaming: climbing means it keeps failing */
  decoderStarts: number;
};

/** Trigger and logical capture's backlog and losses (lib/ingest/sources/capture-state.ts); null: no capture. */
export type CaptureHealth = {
  /** row changes waiting for the collector (counted up to 1,000,000) */
  queued: number | null;
  queueBytes: number | null;
  /** past this size the triggers stop queueing (IDEMSCOPE_CAPTURE_QUEUE_LIMIT_BYTES) */
  queueLimitBytes: number | null;
  /** changes capture had to skip (a missing or full queue, a dead-lettered change) */
  captureErrors: number | null;
  /** changes the derivation could not read, kept with their error */
  deadLetters: number | null;
  recentDeadLetters: { at: string; op: string; sqlstate: string; error: string }[];
};
