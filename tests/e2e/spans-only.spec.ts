// A team whose idempotency records live in Redis or DynamoDB (AWS Powertools' utility) has no
// table idemscope can read, only traces. The demo with --preset spans-only runs rocket-rides'
// POST /rides with its keys in the service's memory, traced by OpenTelemetry and exporting to the
// dashboard. On a phone, outside UTC, the on-call engineer sees every request counted from the
// spans, a duplicate success (a late retry after the store dropped the record) found and
// explained, and stuck keys saying they need the store instead of claiming there are none.
import { randomBytes } from "node:crypto";
import { expect, test } from "../helpers/e2e-test";
import { startPresetDemo, type PresetDemo } from "../helpers/preset-demo";

const PORT = 3236;
const BASE = `http://127.0.0.1:${PORT}`;
let demo: PresetDemo;
let rides: string;

async function ride(key: string, userId: number): Promise<number> {
  const r = await fetch(`${rides}/rides`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "idempotency-key": key,
      "x-user-id": String(userId),
    },
    body: JSON.stringify({ amount: 2000, origin_lat: 0, origin_lon: 0 }),
  });
  await r.arrayBuffer();
  return r.status;
}

test.use({
  viewport: { width: 390, height: 844 },
  timezoneId: "Australia/Sydney",
  locale: "en-AU",
});
test.describe.configure({ mode: "serial" });
test.describe("A store outside PostgreSQL, seen through its spans", () => {
  const dupKey = `e2e-late-${randomBytes(4).toString("hex")}`;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    demo = await startPresetDemo({
      port: PORT,
      dataDir: ".data/e2e/pg-spans-only",
      args: ["--preset", "spans-only", "--rate", "2"],
      waitFor: [/rides API:\s+(http:\S+)/],
      timeoutMs: 120_000,
    });
    rides = demo.found[0]!;
    // a charge, then the store's record expires and the client's late retry charges again
    expect(await ride(dupKey, 900)).toBe(201);
    expect(await ride(dupKey, 900)).toBe(201); // a replay: the same answer, from the store
    const r = await fetch(`${rides}/_clock/expire`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: 900, key: dupKey }),
    });
    expect(r.status).toBe(200);
    expect(await ride(dupKey, 900)).toBe(201);
  });
  test.afterAll(async () => {
    await demo?.stop();
  });

  test("the Overview counts from the spans and says what only the store could show", async ({
    page,
  }) => {
    await expect
      .poll(
        async () => {
          await page.goto(`${BASE}/?range=1h`);
          return page.getByTestId("tile-duplicate-successes").locator(".tile-value").innerText();
        },
        { timeout: 60_000 },
      )
      .not.toBe("0");
    await expect(page.getByTestId("source-note")).toContainText(
      "From the services' OpenTelemetry spans alone (no table of the store is read)",
    );
    await expect(page.getByTestId("tile-stuck")).toContainText("—");
    await expect(page.getByTestId("tile-stuck")).toContainText("Not visible without the store");
    await expect(page.getByTestId("now-stuck")).toHaveText(
      "stuck keys: not visible without the store",
    );
    await expect(page.getByTestId("tile-replay-ratio")).not.toContainText("—");
    await expect(page.getByTestId("stuck-series-not-captured")).toContainText(
      "Not visible without the store",
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: "test-results/e2e/spans-only-overview.png", fullPage: true });

    // the duplicate success leads to its key, whose timeline is all spans
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
    // no row is read: no key is offered as "purged"
    const status = page.getByRole("combobox", { name: "Status" });
    await expect(status.getByRole("option")).toHaveText([
      "any",
      "in progress",
      "completed",
      "failed",
    ]);
    await page.getByRole("link", { name: dupKey }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(dupKey);
    await expect(page.getByRole("alert", { name: "Duplicate success" })).toBeVisible();
    await expect(page.getByTestId("lifecycle-store-not-read")).toBeVisible();
    const timeline = page.getByRole("list", { name: "Events" });
    await expect(timeline.locator('li[data-kind="completed"]')).toHaveCount(2);
    await expect(timeline.locator('li[data-kind="replayed"]')).toHaveCount(1);
    await page.screenshot({ path: "test-results/e2e/spans-only-key.png", fullPage: true });

    await page.goto(`${BASE}/stuck`);
    await expect(page.getByTestId("stuck-not-captured")).toContainText(
      "Not visible without the store",
    );
    await page.goto(`${BASE}/store`);
    await expect(page.getByTestId("store-not-captured")).toBeVisible();
    const coverage = page.getByTestId("coverage-table");
    await expect(coverage.getByRole("row", { name: /Release unavailable/ })).toBeVisible();
  });
});
