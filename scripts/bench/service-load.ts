// The service's side of the logical capture benchmark, in a process of its own as a real service
// is: rocket-rides requests paced to a rate of writes per second, open loop; prints one JSON line
// with the completed requests' latencies. Usage: service-load.ts URL TABLE WRITES_PER_S SECONDS TAG
import { createPool } from "../../lib/db/pool";
import { postRide } from "../demo/writers/stripe-style";

export const WRITES_PER_REQUEST = 4; // claim, two recovery points, completion

const [url, table, rate, seconds, tag] = process.argv.slice(2);
const pool = createPool(url!, { max: 40, applicationName: "bench-service" });
const perSecond = Number(rate) / WRITES_PER_REQUEST;
const ms: number[] = [];
const inFlight = new Set<Promise<void>>();
let sent = 0;
let refused = 0;
const started = performance.now();
while (performance.now() - started < Number(seconds) * 1000) {
  const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
  while (sent < due && inFlight.size < 64) {
    const i = sent++;
    const t0 = performance.now();
    const p = postRide(pool, table!, {
      userId: 1 + (i % 500),
      key: `${tag}-${i}`,
      params: { amount: 1000 + i },
    }).then((r) => {
      if (r.outcome === "completed") ms.push(performance.now() - t0);
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
console.log(
  JSON.stringify({ ms, refused, writes: ms.length * WRITES_PER_REQUEST, seconds: elapsed }),
);
