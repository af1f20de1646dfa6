// A platform team that may not add triggers to its payments table connects idemscope through
// logical decoding, and sends the service's OpenTelemetry spans for the requests that write
// nothing: the demo with --preset stripe-style --capture logical,spans (its traffic through
// rocket-rides' POST /rides, traced by the OpenTelemetry SDK). The on-call engineer sees every
// headline number, the decoder's lag and the WAL its slot keeps, and follows a replay to its trace.
import { randomBytes } from "node:crypto";
import { expect, test } from "../helpers/e2e-test";
import { startPresetDemo, type PresetDemo } from "../helpers/preset-demo";

const PORT = 3240;
const BASE = `http://127.0.0.1:${PORT}`;
let demo: PresetDemo;
let ridesUrl: string;

/** One request to the traced rides service, as a client sends it. */
async function send(key: string, userId: number, amount: number) {
  const res = await fetch(`${ridesUrl}/rides`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "idempotency-key": key,
      "x-user-id": String(userId),
    },
    body: JSON.stringify({ amount }),
  });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed") === "true" };
}

/**
 * The same request, sent again while SERIALIZABLE refuses it: rocket-rides answers 409 when the
 * demo's own traffic makes its transaction fail, and a client retries. The story's key is never
 * left in progress, so a 409 here is always that refusal.
 */
async function ride(key: string, userId: number, amount: number) {
  for (let attempt = 1; ; attempt++) {
    const r = await send(key, userId, amount);
    if (r.status !== 409 || attempt === 10) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.describe.configure({ mode: "serial" });
test.describe("Logical decoding and spans on a Stripe-style store", () => {
  const key = `e2e-replay-${randomBytes(4).toString("hex")}`;

  test.beforeAll(async () => {
    test.setTimeout(200_000);
    demo = await startPresetDemo({
      port: PORT,
      dataDir: ".data/e2e/pg-streams",
      // with a week of keys from before connect, imported through logical capture's path
      args: [
        "--preset",
        "stripe-style",
        "--capture",
        "logical,spans",
        "--rate",
        "4",
        "--history",
        "7d",
        "--intents-per-day",
        "1000",
      ],
      waitFor: [/rides API:\s+(http:\/\/\S+)/],
      env: { IDEMSCOPE_TRACE_URL: "https://tempo.example/trace/{traceId}" },
    });
    ridesUrl = demo.found[0]!;
  });
  test.afterAll(async () => {
    await demo?.stop();
  });

  test("the Overview shows every headline number, and the decoder's lag", async ({ page }) => {
    // the simulator's replays, 409s and 422s exist only as spans
    await expect
      .poll(
        async () => {
          const o = await (await fetch(`${BASE}/api/v1/overview?range=15m`)).json();
          return [o.replayed > 0, o.conflicts > 0, o.mismatches > 0, o.captureSlot?.active];
        },
        { timeout: 90_000 },
      )
      .toEqual([true, true, true, true]);
    await page.goto(`${BASE}/`);
    await expect(page.getByTestId("tile-replay-ratio")).toContainText("%");
    await expect(page.getByTestId("tile-replay-ratio")).toContainText("answered from the store");
    await expect(page.getByTestId("tile-conflicts")).toContainText("of requests");
    await expect(page.getByTestId("tile-mismatches")).toContainText("of requests");
    await expect(page.getByTestId("tile-replay-latency")).toContainText("ms");
    const lag = page.getByTestId("tile-capture-lag");
    await expect(lag).toContainText(/\d(\.\d)? s/);
    await expect(lag).toContainText(/logical decoding · slot keeps [\d.]+ (B|KiB|MiB) of WAL/);
    await expect(page.getByTestId("source-note")).toContainText(
      "through logical decoding and OpenTelemetry spans",
    );
    await page.screenshot({ path: "test-results/e2e/streams-overview.png", fullPage: true });
  });

  test("the Store page says where each number comes from", async ({ page }) => {
    await page.goto(`${BASE}/store`);
    const coverage = page.getByTestId("coverage-table");
    await expect(
      coverage.getByRole("row", {
        name: /Replay ratio available from the service's OpenTelemetry spans/,
      }),
    ).toBeVisible();
    await expect(
      coverage.getByRole("row", {
        name: /Duplicate successes available completions captured by logical decoding/,
      }),
    ).toBeVisible();
  });

  test("a replay answered from the stored row is on the key's timeline with its trace", async ({
    page,
  }) => {
    expect(await ride(key, 77, 1200)).toEqual({ status: 201, replayed: false });
    expect(await ride(key, 77, 1200)).toEqual({ status: 201, replayed: true });
    expect((await ride(key, 77, 9999)).status).toBe(422);
    const lookup = `${BASE}/keys/lookup?scope=77&endpoint=${encodeURIComponent("POST /rides")}&key=${key}`;
    const timeline = page.getByRole("list", { name: "Events" });
    // the claim and completion come from the WAL, the replay and the 422 from the spans
    await expect
      .poll(
        async () => {
          await page.goto(lookup);
          return timeline
            .locator("li[data-kind]")
            .evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
        },
        { timeout: 30_000 },
      )
      .toEqual(["claimed", "completed", "replayed", "mismatch"]);
    const replay = timeline.locator('li[data-kind="replayed"]');
    await expect(replay.getByRole("link")).toHaveAttribute(
      "href",
      /^https:\/\/tempo\.example\/trace\/[0-9a-f]{32}$/,
    );
    await page.screenshot({ path: "test-results/e2e/streams-key.png", fullPage: true });
  });
});
