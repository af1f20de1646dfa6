import { receiveTraces } from "@/lib/edge/otlp-receiver";

export const dynamic = "force-dynamic";

/** OTLP/HTTP traces (docs/store-contract.md, "Capture modes"): the requests that write nothing. */
export async function POST(req: Request) {
  return receiveTraces(req);
}
