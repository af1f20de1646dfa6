// Prices the batch's new duplicate successes (temp table `touched`, lib/fold/fold-intents.ts)
// from the stored response of their key, at the paths configured per endpoint
// (IDEMSCOPE_AMOUNT_PATHS): once per intent, in the batch's transaction.
import type { BatchContext } from "./batch-context";

/** ISO 4217 currencies without minor units: a minor-unit amount is already whole. */
const ZERO_DECIMAL = [
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
];

export async function priceDuplicates({
  db: c,
  tables: t,
  config: cfg,
}: BatchContext): Promise<void> {
  // a library's table keeps its response in a shape of its own (or not at all)
  if (t.source.preset.amounts !== true || cfg.amountPaths.size === 0) return;
  const paths = [...cfg.amountPaths];
  const dups = t.ownTable("duplicate_intents");
  const params = [
    paths.map(([e]) => e),
    paths.map(([, p]) => p.amount),
    paths.map(([, p]) => p.currency),
    paths.map(([, p]) => p.unit),
    ZERO_DECIMAL,
  ];
  await c.query(
    `WITH p AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS p(endpoint, amount, currency, unit)),
     todo AS (
       SELECT d.intent, p.unit,
              jsonb_path_query_first(k.response_body, p.amount::jsonpath) #>> '{}' AS amount,
              upper(jsonb_path_query_first(k.response_body, p.currency::jsonpath) #>> '{}') AS currency
         FROM ${dups} d JOIN touched tt USING (intent) JOIN p ON p.endpoint = d.endpoint
         JOIN ${t.keys} k ON k.scope = d.scope AND k.endpoint = d.endpoint AND k.key = d.key
        WHERE d.amount IS NULL AND d.amount_note IS NULL)
     UPDATE ${dups} d
        SET amount = CASE WHEN todo.amount ~ '^-?[0-9]{1,15}(\\.[0-9]{1,6})?$' AND todo.currency ~ '^[A-Z]{3}$'
                          THEN todo.amount::numeric
                               / CASE WHEN todo.unit = 'minor' AND NOT todo.currency = ANY($5) THEN 100 ELSE 1 END END,
            currency = CASE WHEN todo.currency ~ '^[A-Z]{3}$' THEN todo.currency END,
            amount_note = CASE WHEN todo.amount ~ '^-?[0-9]{1,15}(\\.[0-9]{1,6})?$' AND todo.currency ~ '^[A-Z]{3}$' THEN NULL
                               ELSE 'the stored response has no amount and currency at the configured paths' END
       FROM todo WHERE d.intent = todo.intent`,
    params,
  );
  // a duplicate whose key row is gone has no response to read
  await c.query(
    `UPDATE ${dups} d SET amount_note = 'the stored response was purged before the duplicate was seen'
       FROM touched tt
      WHERE d.intent = tt.intent AND d.amount IS NULL AND d.amount_note IS NULL AND d.endpoint = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM ${t.keys} k WHERE k.scope = d.scope AND k.endpoint = d.endpoint AND k.key = d.key)`,
    [params[0]],
  );
}
