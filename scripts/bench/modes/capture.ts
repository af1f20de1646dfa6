// --capture-only: what trigger capture costs the service's writes (no dataset).
import { measureCaptureOverhead } from "../capture-overhead";
import { log, type BenchContext } from "../context";
import { captureLine } from "../lines";

export async function benchTriggerCapture({ pool, args }: BenchContext): Promise<void> {
  const rows = Number(args.values["capture-rows"]) || 0;
  log(
    `measuring what trigger capture costs the service's writes${rows ? ` on tables of ${rows.toLocaleString("en-US")} rows` : ""} …`,
  );
  console.log("\n" + captureLine(await measureCaptureOverhead(pool, { rows })));
}
