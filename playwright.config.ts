import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/support/chromium";

// The suite runs the real demo (embedded PostgreSQL, simulated traffic, built dashboard) on
// fixed loopback ports; it never touches DATABASE_URL, whatever the environment says.
const PORT = Number(process.env.E2E_PORT ?? 3210);
const API_PORT = Number(process.env.E2E_API_PORT ?? 3211);

export const DEMO_API_URL = `http://127.0.0.1:${API_PORT}`;

// Auth as a deployment behind oauth2-proxy would have it (the secret stands in for the proxy's
// address), plus tokens for automation; callers with neither are the demo's anonymous operator.
export const E2E_AUTH = {
  proxySecret: "e2e-proxy-secret-0123456789",
  viewerToken: "e2e-viewer-token-0123456789",
  operatorToken: "e2e-operator-token-0123456789",
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1, // one shared demo; the outage test stops its database for a moment
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: [
      "node --conditions=react-server --import tsx scripts/demo.ts --prod",
      `--port ${PORT} --api-port ${API_PORT} --data-dir .data/e2e/pg --reset`,
      "--history 30d --intents-per-day 3000 --rate 8 --traffic flat --chaos-control",
    ].join(" "),
    url: `http://127.0.0.1:${PORT}/api/health`,
    env: {
      DATABASE_URL: "",
      NEXT_TELEMETRY_DISABLED: "1",
      IDEMSCOPE_AUTH_PROXY_SECRET: E2E_AUTH.proxySecret,
      IDEMSCOPE_AUTH_GROUP_ROLES: "oncall=operator,eng=viewer",
      IDEMSCOPE_TRACE_URL: "https://tempo.example/trace/{traceId}",
      IDEMSCOPE_TOKENS: `ci-bot:viewer:${E2E_AUTH.viewerToken},pager:operator:${E2E_AUTH.operatorToken}`,
    },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
