// A team with a Stripe-style store (rocket-rides-atomic's table) connects idemscope: the demo
// with --preset stripe-style creates that table and installs the trigger capture; the library's
// own statements write to it. The on-call engineer finds a duplicate success and reads why it
// happened, then releases a stuck key and sees the library's next retry resume at its recovery
// point.
import { randomBytes } from "node:crypto";
import { expect, test } from "../helpers/e2e-test";
import pg from "pg";
import { finishKey, postRide } from "../../scripts/demo/writers/stripe-style";
import { startPresetDemo, type PresetDemo } from "../helpers/preset-demo";

const PORT = 3230;
const BASE = `http://127.0.0.1:${PORT}`;
const TABLE = `"demo_stripe_style"."idempotency_keys"`;
const ride = { amount: 2000, origin_lat: 0, origin_lon: 0 };
let demo: PresetDemo;
let pool: pg.Pool;

/**
 * One request, sent again while SERIALIZABLE refuses it (a 409 the demo's own traffic can cause,
 * which a client retries), until it gets the outcome the story needs.
 */
async function send(req: Parameters<typeof postRide>[2], want: "crashed" | "completed") {
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = await postRide(pool, TABLE, req);
    if (r.outcome === want) return r;
    if (r.outcome !== "conflict") throw new Error(`expected ${want}, got ${r.outcome}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${req.key}: still refused after 10 attempts`);
}

/** Test tooling, not the library: moves a key's lock into the past (no capture event). */
async function ageLock(userId: number, key: string, seconds: number) {
  await pool.query(
    `UPDATE ${TABLE} SET locked_at = now() - make_interval(secs => $3) WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key, seconds],
  );
}

test.describe.configure({ mode: "serial" });
test.describe("A Stripe-style store", () => {
  const dupKey = `e2e-dup-${randomBytes(4).toString("hex")}`;
  const stuckKey = `e2e-stuck-${randomBytes(4).toString("hex")}`;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    demo = await startPresetDemo({
      port: PORT,
      dataDir: ".data/e2e/pg-stripe",
      // the table holds 30 days of keys before it is connected: the collector imports them
      args: [
        "--preset",
        "stripe-style",
        "--rate",
        "2",
        "--history",
        "30d",
        "--intents-per-day",
        "1000",
      ],
      waitFor: [/PostgreSQL:\s+(postgres:\/\/\S+)/],
      timeoutMs: 120_000,
    });
    pool = new pg.Pool({ connectionString: demo.found[0], max: 4 });
    // a zombie worker: its lock expires, a retry resumes and charges, then the zombie finishes too
    await send({ userId: 900, key: dupKey, params: ride, crashAfter: "ride_created" }, "crashed");
    await ageLock(900, dupKey, 120);
    await send({ userId: 900, key: dupKey, params: ride, chargeId: "ch_second" }, "completed");
    const id = await pool.query<{ id: string }>(
      `SELECT id FROM ${TABLE} WHERE user_id = 900 AND idempotency_key = $1`,
      [dupKey],
    );
    await finishKey(pool, TABLE, id.rows[0]!.id, "ch_first");
    // a worker that died ten minutes ago
    await send({ userId: 901, key: stuckKey, params: ride, crashAfter: "ride_created" }, "crashed");
    await ageLock(901, stuckKey, 600);
  });
  test.afterAll(async () => {
    await pool?.end();
    await demo?.stop();
  });

  test("the Overview says what this layout cannot see instead of showing zeros", async ({
    page,
  }) => {
    await page.goto(`${BASE}/`);
    await expect(page.getByTestId("tile-replay-ratio")).toContainText(
      "Not captured for stripe-style: a retry of a finished key is answered from the stored row",
    );
    await expect(page.getByTestId("tile-conflicts")).toContainText("—");
    // hot keys count what the capture sees and name what it does not
    await expect(page.getByTestId("hot-keys-not-counted")).toContainText(
      "Not counted (this store's capture cannot see them): replays, conflicts, mismatches.",
    );
    await expect(page.getByTestId("source-note")).toContainText(
      '"demo_stripe_style"."idempotency_keys"',
    );
    await page.screenshot({ path: "test-results/e2e/stripe-overview.png", fullPage: true });
    await page.goto(`${BASE}/store`);
    const coverage = page.getByTestId("coverage-table");
    await expect(coverage.getByRole("row", { name: /Replay ratio unavailable/ })).toBeVisible();
    await expect(
      coverage.getByRole("row", { name: /Duplicate successes available/ }),
    ).toBeVisible();
    // the capture's backlog and its dead letters (none: the demo's rows all derive)
    const health = page.getByTestId("store-capture-health");
    await expect(health.getByRole("region", { name: "Queued changes" })).toContainText(
      "of 1.0 GiB allowed",
    );
    await expect(health.getByTestId("store-dead-letters")).toContainText("none");
    await page.screenshot({ path: "test-results/e2e/stripe-store.png", fullPage: true });
    // the Clients table says "—" (with the reason as its title) where it cannot count
    await expect
      .poll(
        async () => {
          await page.goto(`${BASE}/clients`);
          return page.getByRole("table", { name: "Clients" }).locator("tbody tr").count();
        },
        { timeout: 40_000 },
      )
      .toBeGreaterThan(0);
    const row = page.getByRole("table", { name: "Clients" }).locator("tbody tr").first();
    await expect(row.locator('td[title^="Not captured: a 409 for a key still locked"]')).toHaveText(
      "—",
    );
  });

  test("30-day Trends show the rows from before connect, labelled as imported", async ({
    page,
  }) => {
    // the import runs in the collector after connect; the banner counts its rows meanwhile
    await expect
      .poll(
        async () => {
          const r = await fetch(`${BASE}/api/v1/collector/fold`);
          const fold = (await r.json()) as { history: { unit: string; finishedAt: string | null } };
          return fold.history?.unit === "rows" ? fold.history.finishedAt !== null : false;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    await page.goto(`${BASE}/trends?range=30d`);
    // the rows' first requests fill the days before connect (30,000 keys over 30 days)
    const requests = page.getByRole("region", { name: "Requests", exact: true });
    await expect
      .poll(async () =>
        Number((await requests.locator(".tile-value").innerText()).replace(/\D/g, "")),
      )
      .toBeGreaterThan(25_000);
    await expect(page.getByTestId("verdict")).toContainText(
      "before capture began, which recorded no duplicates",
    );
    await expect(page.getByTestId("source-note")).toContainText(
      "Before that, each row the table held was imported as its first request and its outcome: retries, replays and duplicates before it were not recorded.",
    );
    const chart = page.getByRole("figure", { name: /Daily duplicate success rate/ });
    await expect(chart.getByText("imported: no duplicates recorded")).toBeVisible();
    await expect(
      page.getByText("before capture began: first requests and outcomes imported"),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/stripe-trends-imported.png", fullPage: true });
  });

  test("a duplicate success is found and explained on its key page", async ({ page }) => {
    await expect
      .poll(
        async () => {
          await page.goto(`${BASE}/keys`);
          return page
            .getByRole("region", { name: "Recent duplicate successes" })
            .getByRole("link", { name: dupKey })
            .count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.getByRole("link", { name: dupKey }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(dupKey);
    await expect(page.getByRole("alert", { name: "Duplicate success" })).toBeVisible();
    await expect(page.getByTestId("duplicate-explanation")).toHaveText(
      /lock expired|Two executions completed/,
    );
    const timeline = page.getByRole("list", { name: "Events" });
    await expect(timeline.locator('li[data-kind="completed"]')).toHaveCount(2);
    await expect(timeline.locator('li[data-kind="reclaimed"]')).toHaveCount(1);
    await page.screenshot({ path: "test-results/e2e/stripe-duplicate.png", fullPage: true });
  });

  test("releasing a stuck key lets the library's next retry resume at its recovery point", async ({
    page,
  }) => {
    await page.goto(`${BASE}/stuck`);
    const row = page
      .getByRole("table", { name: "Stuck keys" })
      .locator("tbody tr", { hasText: stuckKey });
    await expect(row).toContainText("ride_created");
    await row.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog", { name: "Release this key?" });
    await expect(dialog).toContainText("Clears locked_at");
    await dialog.getByLabel(/Reason/).fill("INC-77: rides worker killed mid-request");
    await dialog.getByRole("button", { name: "Release key" }).click();
    await expect(page.getByRole("alert").or(page.getByRole("status")).first()).toContainText(
      `Released ${stuckKey}`,
    );

    const lib = await pool.query(
      `SELECT locked_at, recovery_point FROM ${TABLE} WHERE user_id = 901 AND idempotency_key = $1`,
      [stuckKey],
    );
    expect(lib.rows[0]).toEqual({ locked_at: null, recovery_point: "ride_created" });
    const retry = await send({ userId: 901, key: stuckKey, params: ride }, "completed");
    expect(retry).toMatchObject({ outcome: "completed", resumed: true });

    await page.goto(
      `${BASE}/keys/lookup?scope=901&endpoint=${encodeURIComponent("POST /rides")}&key=${stuckKey}`,
    );
    const timeline = page.getByRole("list", { name: "Events" });
    await expect(timeline.locator("li[data-kind]")).toHaveCount(4, { timeout: 15_000 });
    const kinds = await timeline
      .locator("li[data-kind]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    expect(kinds).toEqual(["claimed", "released", "reclaimed", "completed"]);
    await page.screenshot({ path: "test-results/e2e/stripe-released.png", fullPage: true });
  });
});
