// --logical-only: logical capture at 2,000 writes/s, lean writes then rocket-rides' (no dataset).
import { log, type BenchContext } from "../context";
import { logicalLine } from "../lines";
import { measureLogicalCapture } from "../logical-capture";

export async function benchLogicalCapture({ pool, databaseUrl }: BenchContext): Promise<void> {
  log("measuring logical capture at 2,000 writes/s (lean writes, then rocket-rides') …");
  console.log("\n" + logicalLine(await measureLogicalCapture(pool, databaseUrl)));
  const rides = await measureLogicalCapture(pool, databaseUrl, {
    pattern: "rocket-rides",
    writesPerSecond: 1200,
  });
  console.log("\n" + logicalLine(rides));
}
