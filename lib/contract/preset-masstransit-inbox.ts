// The built-in preset of MassTransit's EF Core inbox (docs/presets.md), derived from the library's
// own source, cited below.

/**
 * MassTransit's Entity Framework Core inbox (consumer-side deduplication): the InboxState entity
 * of MassTransit.EntityFrameworkCoreIntegration (one row per (MessageId, ConsumerId),
 * ReceiveCount incremented on every delivery, Consumed set when the consumer finished).
 */
export const massTransitInbox = {
  name: "masstransit-inbox",
  title: "MassTransit EF Core inbox (InboxState)",
  library: "MassTransit/MassTransit (EntityFrameworkCoreIntegration)",
  ddlSource: "InboxState entity of MassTransit.EntityFrameworkCoreIntegration (EF Core migration)",
  table: { schema: "public", name: "InboxState" },
  columns: {
    Id: "bigint",
    MessageId: "uuid",
    ConsumerId: "uuid",
    LockId: "uuid",
    Received: "timestamp with time zone",
    ReceiveCount: "integer",
    ExpirationTime: "timestamp with time zone",
    Consumed: "timestamp with time zone",
    Delivered: "timestamp with time zone",
  },
  lets: {},
  derive: {
    id: 'r."Id"',
    scope: 'r."ConsumerId"::text',
    key: 'r."MessageId"::text',
    endpoint: "'consume'",
    request_hash: "''",
    status: `CASE WHEN r."Consumed" IS NULL THEN 'in_progress' ELSE 'completed' END`,
    recovery_point: `CASE WHEN r."Delivered" IS NOT NULL THEN 'delivered' END`,
    locked_at: `CASE WHEN r."Consumed" IS NULL THEN r."Received" END`,
    lock_owner: 'r."LockId"::text',
    response_code: `CASE WHEN r."Consumed" IS NOT NULL THEN 200 END`,
    response_body: "NULL",
    attempts: 'r."ReceiveCount"',
    created_at: 'r."Received"',
    updated_at: 'coalesce(r."Delivered", r."Consumed", r."Received")',
    completed_at: 'r."Consumed"',
    expires_at: `coalesce(r."ExpirationTime", 'infinity'::timestamptz)`,
    attempt_marker: 'r."ReceiveCount"',
  },
  lockTimeoutSeconds: 300,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: true,
    conflicts:
      "a redelivery while another consumer holds the message waits for its row lock and is then counted as a reclaim or a replay",
    mismatches: "messages carry no request fingerprint",
    expiries: true,
    clients: true,
  },
  actions: {
    release: {
      kind: "unavailable",
      reason:
        "The broker redelivers an unconsumed message by itself; changing the inbox row would not run the consumer again.",
    },
    fail: {
      kind: "unavailable",
      reason:
        "Marking a message consumed would drop it silently; fault it with MassTransit's own redelivery and error queues.",
    },
  },
  notes: [
    "Clients are consumers (ConsumerId), keys are message ids, and the one endpoint is 'consume'.",
  ],
};
