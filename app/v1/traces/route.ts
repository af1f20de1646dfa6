import { receiveTraces } from "@/lib/spans/receiver";

export const dynamic = "force-dynamic";

/** OTLP/HTTP traces (docs/store-contract.md, "Capture modes"): the requests that write nothing. */
export async function POST(req: Request) {
  return receiveTraces(req);
}
