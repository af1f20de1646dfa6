// A malformed secret-bearing variable (here IDEMSCOPE_TOKENS with '=' for ':') must not reach an
// anonymous caller or the log, and must stop `npm start` with a message that names the variable.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { NextRequest } from "next/server";
import { createLogger, useLogger } from "../../../lib/core/log";
import { collect, spawnScript } from "../../helpers/run-script";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const SECRET = "S3cretTokenValue";
const BAD_TOKENS = `ci-bot=operator=${SECRET}`;
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;
const lines: string[] = [];
let store: TestStore;

beforeAll(async () => {
  useLogger(createLogger({ write: (line: string) => void lines.push(line) }, "trace"));
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_TOKENS: BAD_TOKENS });
});
afterAll(() => store.drop());

it("answers anonymous callers with the variable's name and position, never its value", async () => {
  const get = async (module: Promise<unknown>) => ((await module) as { GET: Handler }).GET;
  const routes: [string, Handler][] = [
    ["/api/v1/me", await get(import("../../../app/api/v1/me/route"))],
    ["/api/v1/stuck", await get(import("../../../app/api/v1/stuck/route"))],
    ["/api/v1/overview", await get(import("../../../app/api/v1/overview/route"))],
    ["/api/metrics", await get(import("../../../app/api/metrics/route"))],
  ];
  for (const [path, handler] of routes) {
    const res = await handler(getRequest(path), {});
    const text = await res.text();
    expect(res.status, path).toBeGreaterThanOrEqual(500);
    expect(text, path).toContain("IDEMSCOPE_TOKENS entry 1");
    expect(text, path).not.toContain(SECRET);
    expect(text, path).not.toContain("S3cret");
  }
  expect(lines.join("")).not.toContain("S3cret");
});

it("stops `npm start` with a one-line reason that does not quote the secret", async () => {
  const { result } = collect(
    spawnScript("serve.ts", ["--port", "39871", "--hostname", "127.0.0.1"], {
      IDEMSCOPE_TOKENS: BAD_TOKENS,
    }),
  );
  const r = await result;
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^idemscope: Invalid configuration: IDEMSCOPE_TOKENS entry 1 /);
  expect(r.stderr + r.stdout).not.toContain("S3cret");
}, 30_000);
