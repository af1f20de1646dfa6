// The platform engineer's second story: how fast does the store grow, does the purger keep up,
// and does each endpoint's TTL fit how late its clients retry? On the 30-day demo, whose refunds
// endpoint has a 2-minute TTL that late retries outlive.
import fs from "node:fs/promises";
import { expect, test } from "../helpers/e2e-test";

test.describe("Store", () => {
  test("shows growth with its projection, purger health and the TTL advisor", async ({ page }) => {
    await page.goto("/store");
    await expect(page.getByRole("heading", { name: "Store", level: 1 })).toBeVisible();
    await expect(
      page.getByRole("figure", { name: "Size per table over time, in bytes" }),
    ).toBeVisible();
    const tables = page.getByRole("table", { name: "Tables" });
    await expect(tables).toContainText("idempotency_keys");
    await expect(tables).toContainText("idempotency_events");
    await expect(page.getByTestId("store-projection")).toContainText(
      /budget is reached in .+ \(\d{4}-\d\d-\d\d\)/,
    );
    await expect(page.getByTestId("store-purger")).toContainText(/expired/);
    await expect(
      page.getByRole("figure", { name: "Keys created and purged per day" }),
    ).toBeVisible();

    const advisor = page.getByRole("table", { name: "TTL advisor" });
    const refunds = advisor.getByRole("row").filter({ hasText: "POST /v1/refunds" });
    await expect(refunds).toContainText("2 min");
    await expect(refunds).toContainText("raise TTL");
    await expect(page.getByTestId("ttl-advice")).toHaveText(
      /^[\d.]+ % of retries arrived after the 2 min TTL and ran the work again; a TTL of \d+ min would have caught 99\.9 %\.$/,
    );
    await expect(
      page.getByRole("figure", { name: /each retry on POST \/v1\/refunds, with its TTL/ }),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/store.png", fullPage: true });

    await advisor.getByRole("button", { name: "POST /v1/payments" }).click();
    await expect(page.getByTestId("ttl-advice")).toContainText("1 d TTL");
    await expect(
      page.getByRole("figure", { name: /each retry on POST \/v1\/payments/ }),
    ).toBeVisible();

    const card = page.locator("section.card", { hasText: "TTL advisor" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      card.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const lines = (await fs.readFile((await download.path())!, "utf8")).trim().split("\r\n");
    expect(lines[0]).toBe(
      "endpoint,ttlSeconds,ttlSource,retries,afterExpiry,afterExpiryShare,p99Seconds,p999Seconds,suggestedTtlSeconds,verdict,message",
    );
    expect(lines.length).toBe(9); // eight endpoints

    await page.getByText("Rows", { exact: true }).click();
    await expect(page.getByRole("figure", { name: "Rows per table over time" })).toBeVisible();

    // the choice of rows stays when the range changes
    await page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "7d" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(page.getByRole("figure", { name: "Rows per table over time" })).toBeVisible();
  });

  test("answers an unknown range with 400 and a message", async ({ request }) => {
    const res = await request.get("/api/v1/store?range=24h");
    expect(res.status()).toBe(400);
    expect((await res.json()).message).toMatch(/7d, 30d or 90d/);
  });
});
