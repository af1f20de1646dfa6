// Rows shaped like each library's own (tests/fixtures/stores has their DDL, lib/contract/presets.ts
// what each column means), generated in the database for `npm run bench -- --preset NAME`: keys
// created over the history the table already holds when idemscope connects, nearly all finished
// (a few hundred in progress, some failed), clients and endpoints spread as in a busy service.
export type RowShape = {
  /** how far back the rows go, in days (node-idempotency keeps one day: its TTL) */
  days: (days: number) => number;
  /** INSERT … SELECT of rows $1 … $2 (g) of $3, spread over `days`, for `clients` clients */
  insert: (table: string, clients: number, days: number) => string;
};

// row g of n is created `ts` ago, evenly over the history; 1 in 20,000 is still in progress,
// 1 in 50 failed
const TIMES = (days: number) =>
  `CROSS JOIN LATERAL (SELECT now() - (g::float8 / $3) * interval '${days} days' AS ts,
                              g % 20000 = 7 AS open, g % 50 = 3 AS failed) x`;

export const ROW_SHAPES: Record<string, RowShape> = {
  // brandur/rocket-rides-atomic: schema.sql, api.rb
  "stripe-style": {
    days: (d) => d,
    insert: (table, clients, days) => `
      INSERT INTO ${table} (created_at, idempotency_key, last_run_at, locked_at, request_method,
                            request_params, request_path, response_code, response_body,
                            recovery_point, user_id)
      SELECT ts, md5(g::text), ts + interval '180 ms', CASE WHEN open THEN ts END, 'POST',
             jsonb_build_object('origin_lat', 37.77, 'origin_lon', -122.42,
                                'target_lat', 37.8 + (g % 100) / 1000.0, 'target_lon', -122.27),
             '/rides',
             CASE WHEN open THEN NULL WHEN failed THEN 500 ELSE 201 END,
             CASE WHEN open THEN NULL WHEN failed THEN '{"error":"charge failed"}'::jsonb
                  ELSE jsonb_build_object('ride_id', g, 'charge', 'ch_' || md5(g::text)) END,
             CASE WHEN open THEN 'ride_created' ELSE 'finished' END, 1 + g % ${clients}
        FROM generate_series($1::bigint, $2::bigint) g ${TIMES(days)}`,
  },
  // medusa v1: 1611063162649-initial_schema.ts, idempotency-key.js (cart completion)
  "medusa-v1": {
    days: (d) => d,
    insert: (table, clients, days) => `
      INSERT INTO ${table} (id, idempotency_key, created_at, locked_at, request_method,
                            request_params, request_path, response_code, response_body,
                            recovery_point)
      SELECT 'ikey_' || md5(g::text), md5('k' || g), ts, CASE WHEN open THEN ts END, 'POST',
             jsonb_build_object('cart_id', 'cart_' || (g % ${clients})),
             '/store/carts/cart_' || (g % ${clients}) || '/complete',
             CASE WHEN open THEN NULL WHEN failed THEN 500 ELSE 200 END,
             CASE WHEN open THEN NULL
                  ELSE jsonb_build_object('type', 'order', 'data', jsonb_build_object('id', 'order_' || g)) END,
             CASE WHEN open THEN 'payment_authorized' ELSE 'finished' END
        FROM generate_series($1::bigint, $2::bigint) g ${TIMES(days)}`,
  },
  // @node-idempotency/storage-adapter-postgres: adapter-postgres.ts; core/src/idempotency.ts
  "node-idempotency": {
    days: (d) => Math.min(d, 1),
    insert: (table, _clients, days) => `
      INSERT INTO ${table} (key, created_at, data, expires_at)
      SELECT 'node-idempotency:POST:/orders:' || md5(g::text), ts,
             CASE WHEN open THEN jsonb_build_object('status', 'PROGRESS', 'fingerPrint', md5('p' || g))
                  WHEN failed THEN jsonb_build_object('status', 'COMPLETE', 'fingerPrint', md5('p' || g),
                         'response', jsonb_build_object('error', 'declined',
                           'additional', jsonb_build_object('statusCode', 402)))
                  ELSE jsonb_build_object('status', 'COMPLETE', 'fingerPrint', md5('p' || g),
                         'response', jsonb_build_object('data', jsonb_build_object('order', g),
                           'additional', jsonb_build_object('statusCode', 201))) END::text,
             ts + interval '1 day'
        FROM generate_series($1::bigint, $2::bigint) g ${TIMES(days)}`,
  },
  // Medusa v2: workflow_execution as the engine leaves complete-cart's runs (writers/medusa-v2.ts);
  // its cleaner deletes finished runs after their three days' retention, so three days at most
  "medusa-v2": {
    days: (d) => Math.min(d, 3),
    insert: (table, clients, days) => `
      INSERT INTO ${table} (id, workflow_id, transaction_id, run_id, execution, context, state,
                            created_at, updated_at, retention_time)
      SELECT 'wf_exec_' || md5(g::text), 'complete-cart', 'auto-' || md5('t' || g), md5('r' || g),
             '{}'::jsonb,
             jsonb_build_object('data', jsonb_build_object('payload',
               jsonb_build_object('id', 'cart_' || (g % ${clients})))),
             CASE WHEN open THEN 'not_started' WHEN failed THEN 'reverted' ELSE 'done' END,
             ts AT TIME ZONE 'UTC', (ts + interval '900 ms') AT TIME ZONE 'UTC', 259200
        FROM generate_series($1::bigint, $2::bigint) g ${TIMES(days)}`,
  },
  // MassTransit EF Core inbox: the InboxState entity
  "masstransit-inbox": {
    days: (d) => d,
    insert: (table, clients, days) => `
      INSERT INTO ${table} ("MessageId", "ConsumerId", "LockId", "Received", "ReceiveCount",
                            "ExpirationTime", "Consumed", "Delivered")
      SELECT md5('m' || g)::uuid, md5('c' || (g % ${Math.min(clients, 40)}))::uuid,
             md5('l' || g)::uuid, ts, 1 + (g % 97 = 0)::int, NULL,
             CASE WHEN NOT open THEN ts + interval '40 ms' END,
             CASE WHEN NOT open THEN ts + interval '45 ms' END
        FROM generate_series($1::bigint, $2::bigint) g ${TIMES(days)}`,
  },
};
