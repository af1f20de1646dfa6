// Secrets never reach the logs: every configured credential is used, mistyped and refused while
// the real logger writes at trace level into memory; then no line holds any of them.
import { afterAll, beforeAll, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { parseConfig } from "../../../lib/core/config";
import { createLogger, useLogger } from "../../../lib/core/log";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const SECRETS = {
  viewer: "viewer-secret-AAAA-0123456789",
  operator: "operator-secret-BBBB-0123456789",
  proxy: "proxy-secret-CCCC-0123456789",
  metrics: "metrics-secret-DDDD-0123456789",
  wrong: "wrong-secret-EEEE-0123456789",
};
const lines: string[] = [];
let store: TestStore;
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;

beforeAll(async () => {
  useLogger(createLogger({ write: (line: string) => void lines.push(line) }, "trace"));
  store = await createTestStore();
  useStoreForRoutes(store, {
    IDEMSCOPE_TOKENS: `bot:viewer:${SECRETS.viewer},pager:operator:${SECRETS.operator}`,
    IDEMSCOPE_AUTH_PROXY_SECRET: SECRETS.proxy,
    IDEMSCOPE_METRICS_TOKEN: SECRETS.metrics,
    IDEMSCOPE_METRICS_TIMEOUT_MS: "200",
  });
});
afterAll(() => store.drop());

const post = (path: string, headers: Record<string, string>) =>
  new NextRequest(new URL(path, "http://127.0.0.1:3000"), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ reason: `tried with ${SECRETS.wrong}` }),
  });

it("logs no token, proxy secret or scrape token, whatever happens", async () => {
  const release = (
    (await import("../../../app/api/v1/keys/[id]/release/route")) as unknown as {
      POST: Handler;
    }
  ).POST;
  const metrics = ((await import("../../../app/api/metrics/route")) as unknown as { GET: Handler })
    .GET;
  const audit = ((await import("../../../app/api/v1/audit/route")) as unknown as { GET: Handler })
    .GET;
  const ctx = { params: Promise.resolve({ id: "1" }) };
  const attempts: Record<string, string>[] = [
    { authorization: `Bearer ${SECRETS.wrong}` },
    { authorization: `Bearer ${SECRETS.viewer}` },
    { authorization: `Bearer ${SECRETS.operator}` }, // 404: no such key
    { authorization: `Basic ${SECRETS.operator}` },
    { "x-idemscope-proxy-secret": SECRETS.wrong, "x-forwarded-user": "mallory" },
    {
      "x-idemscope-proxy-secret": SECRETS.proxy,
      "x-forwarded-user": "alice",
      origin: "https://evil.example",
    },
  ];
  for (const headers of attempts) {
    expect(
      (await release(post("/api/v1/keys/1/release", headers), ctx)).status,
    ).toBeGreaterThanOrEqual(400);
  }
  for (const authorization of [`Bearer ${SECRETS.wrong}`, `Bearer ${SECRETS.metrics}`]) {
    await metrics(getRequest("/api/metrics", { authorization }), {});
  }
  // a failing scrape and an unexpected error both log their reasons
  const blocker = await store.pool.connect();
  await blocker.query("BEGIN");
  await blocker.query(`LOCK TABLE ${store.t.ownTable("metric_totals")} IN ACCESS EXCLUSIVE MODE`);
  await new Promise((r) => setTimeout(r, 1100));
  expect(
    (await metrics(getRequest("/api/metrics", { authorization: `Bearer ${SECRETS.metrics}` }), {}))
      .status,
  ).toBe(500);
  await blocker.query("ROLLBACK");
  blocker.release();
  await store.pool.query(`ALTER TABLE ${store.t.ownTable("audit_log")} RENAME TO audit_log_gone`);
  expect(
    (await audit(getRequest("/api/v1/audit", { authorization: `Bearer ${SECRETS.viewer}` }), {}))
      .status,
  ).toBe(500);
  await store.pool.query(`ALTER TABLE ${store.t.ownTable("audit_log_gone")} RENAME TO audit_log`);
  // configuration errors name the variable, not the secret
  expect(() => parseConfig({ IDEMSCOPE_TOKENS: `x:admin:${SECRETS.wrong}` })).toThrow(
    /IDEMSCOPE_TOKENS/,
  );
  try {
    parseConfig({ IDEMSCOPE_TOKENS: `x:admin:${SECRETS.wrong}` });
  } catch (err) {
    expect((err as Error).message).not.toContain(SECRETS.wrong);
  }
  // and objects that carry credentials by name are redacted
  const { log } = await import("../../../lib/core/log");
  log.info(
    { token: SECRETS.operator, headers: { authorization: `Bearer ${SECRETS.operator}` } },
    "redaction check",
  );

  const text = lines.join("");
  expect(lines.length).toBeGreaterThanOrEqual(3); // the scrape failure, the 500, the redaction check
  expect(text).toContain("metrics scrape failed");
  expect(text).toContain("[Redacted]");
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${name} secret in the logs`).toBe(false);
  }
});
