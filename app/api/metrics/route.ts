import { matchToken, secretsEqual } from "@/lib/auth/identity";
import { config, type Config } from "@/lib/core/config";
import { errorResponse } from "@/lib/edge/http/errors";
import { log } from "@/lib/core/log";
import { metricsRegistry } from "@/lib/query/metrics/registry";

export const dynamic = "force-dynamic";

/**
 * Prometheus text exposition. With IDEMSCOPE_METRICS_TOKEN set, the scraper must present it as a
 * bearer token (compared in constant time); without it, once any authentication is configured,
 * any token of IDEMSCOPE_TOKENS (IDEMSCOPE_METRICS_PUBLIC=1 opens it on purpose). A scrape whose
 * database reads fail or time out answers 500 (Prometheus: up = 0) with a classified reason,
 * never the database's own message.
 */
export async function GET(req: Request) {
  let cfg: Config;
  try {
    cfg = config();
  } catch (err) {
    return scrapeFailed(err);
  }
  const refusal = scrapeRefusal(req, cfg);
  if (refusal) {
    return new Response(`unauthorized: ${refusal}\n`, {
      status: 401,
      headers: {
        "content-type": "text/plain",
        "www-authenticate": 'Bearer realm="idemscope metrics"',
      },
    });
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

/** Why this scrape is refused, or null when it may read. */
function scrapeRefusal(req: Request, cfg: Config): string | null {
  const presented = /^Bearer (.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (cfg.metricsToken !== undefined) {
    return secretsEqual(presented ?? "", cfg.metricsToken)
      ? null
      : "/api/metrics needs the configured bearer token (IDEMSCOPE_METRICS_TOKEN)";
  }
  if (!cfg.auth.configured || cfg.metricsPublic) return null;
  return matchToken(presented ?? "", cfg.auth)
    ? null
    : "/api/metrics needs the configured bearer token: authentication is on, so send a token of IDEMSCOPE_TOKENS, or set IDEMSCOPE_METRICS_TOKEN (IDEMSCOPE_METRICS_PUBLIC=1 opens it to anyone)";
}

function scrapeFailed(err: unknown): Response {
  log.warn({ err: (err as Error).message }, "metrics scrape failed");
  // the classified message (timeout, unreachable, busy, configuration), not the database's text
  const { body } = errorResponse(err);
  return new Response(`# scrape failed: ${body.message}\n`, {
    status: 500,
    headers: { "content-type": "text/plain", "cache-control": "no-store" },
  });
}
