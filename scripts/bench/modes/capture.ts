// --capture-only: what trigger capture costs the service's writes (no dataset).
import { measureCaptureOverhead } from "../capture-overhead";
import { log, type BenchContext } from "../context";
import { captureLine } from "../lines";

export async function benchTriggerCapture({ pool }: BenchContext): Promise<void> {
  log("measuring what trigger capture costs the service's writes …");
  console.log("\n" + captureLine(await measureCaptureOverhead(pool)));
}
