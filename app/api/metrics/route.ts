import { metricsRegistry } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

/** Prometheus text exposition; a failed scrape answers 500, as Prometheus expects. */
export async function GET() {
  const registry = metricsRegistry();
  try {
    const body = await registry.metrics();
    return new Response(body, {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  } catch (err) {
    return new Response(`# scrape failed: ${(err as Error).message}\n`, {
      status: 500,
      headers: { "content-type": "text/plain" },
    });
  }
}
