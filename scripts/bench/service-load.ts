// The service's side of the logical capture benchmark, in a process of its own as a real service
// is: requests paced to a rate of writes per second, open loop; prints one JSON line with the
// completed requests' latencies. Two write patterns on the same Stripe-style table:
// `rocket-rides` (api.rb: four SERIALIZABLE transactions, claim, two recovery points, completion)
// and `lean` (two autocommit statements: the claim's INSERT and the completion's UPDATE).
// Usage: service-load.ts URL TABLE WRITES_PER_S SECONDS TAG PATTERN
import type { Pool } from "pg";
import { createPool } from "../../lib/db/pool";
import { postRide } from "../demo/writers/stripe-style";

export const WRITES_PER_REQUEST = { "rocket-rides": 4, lean: 2 } as const;
export type WritePattern = keyof typeof WRITES_PER_REQUEST;

async function leanRequest(pool: Pool, table: string, i: number, tag: string): Promise<boolean> {
  const claimed = await pool.query<{ id: string }>(
    `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
     VALUES ($1, now(), 'started', 'POST', $2, '/rides', $3) RETURNING id`,
    [`${tag}-${i}`, JSON.stringify({ amount: 1000 + i }), 1 + (i % 500)],
  );
  await pool.query(
    `UPDATE ${table} SET locked_at = NULL, recovery_point = 'finished', response_code = 201, response_body = $2
      WHERE id = $1`,
    [claimed.rows[0]!.id, JSON.stringify({ message: "Payment accepted", charge: `ch_${i}` })],
  );
  return true;
}

async function main() {
  const [url, table, rate, seconds, tag, pattern = "rocket-rides"] = process.argv.slice(2);
  const writes = WRITES_PER_REQUEST[pattern as WritePattern];
  const pool = createPool(url!, { max: 40, applicationName: "bench-service" });
  const perSecond = Number(rate) / writes;
  const ms: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let refused = 0;
  const request = (i: number) =>
    pattern === "lean"
      ? leanRequest(pool, table!, i, tag!)
      : postRide(pool, table!, {
          userId: 1 + (i % 500),
          key: `${tag}-${i}`,
          params: { amount: 1000 + i },
        }).then((r) => r.outcome === "completed");
  const started = performance.now();
  while (performance.now() - started < Number(seconds) * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (sent < due && inFlight.size < 64) {
      const i = sent++;
      const t0 = performance.now();
      const p = request(i).then((ok) => {
        if (ok) ms.push(performance.now() - t0);
        else refused += 1;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  console.log(JSON.stringify({ ms, refused, writes: ms.length * writes, seconds: elapsed }));
}

await main();
