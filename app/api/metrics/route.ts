import { secretsEqual } from "@/lib/auth/identity";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { metricsRegistry } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

/**
 * Prometheus text exposition. With IDEMSCOPE_METRICS_TOKEN set, the scraper must present it as a
 * bearer token (compared in constant time). A scrape whose database reads fail or time out
 * answers 500, which Prometheus records as up = 0.
 */
export async function GET(req: Request) {
  let token: string | undefined;
  try {
    token = config().metricsToken;
  } catch (err) {
    return scrapeFailed(err);
  }
  if (token !== undefined) {
    const presented = /^Bearer (.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!secretsEqual(presented, token)) {
      return new Response("unauthorized: /api/metrics needs the configured bearer token\n", {
        status: 401,
        headers: {
          "content-type": "text/plain",
          "www-authenticate": 'Bearer realm="idemscope metrics"',
        },
      });
    }
  }
  const registry = metricsRegistry();
  try {
    const body = await registry.metrics();
    return new Response(body, {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  } catch (err) {
    return scrapeFailed(err);
  }
}

function scrapeFailed(err: unknown): Response {
  log.warn({ err: (err as Error).message }, "metrics scrape failed");
  return new Response(`# scrape failed: ${(err as Error).message}\n`, {
    status: 500,
    headers: { "content-type": "text/plain", "cache-control": "no-store" },
  });
}
