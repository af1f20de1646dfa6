import { expect, test } from "@playwright/test";
import { DEMO_API_URL } from "../../playwright.config";

// Stops the demo's real embedded PostgreSQL and starts it again.
async function database(action: "stop" | "start") {
  const res = await fetch(`${DEMO_API_URL}/_demo/database/${action}`, { method: "POST" });
  expect(res.status).toBe(200);
}

test("a database outage shows a stale-data banner over the last good data, then recovers", async ({
  page,
  request,
}) => {
  await page.goto("/");
  const requests = page.getByTestId("tile-requests").locator(".tile-value");
  await expect(requests).toHaveText(/\d/);
  try {
    await database("stop");
    const banner = page.getByRole("alert").filter({ hasText: "Data is stale" });
    await expect(banner).toBeVisible({ timeout: 20_000 });
    await expect(banner).toContainText("Showing the last good data, from");
    await expect(requests).toHaveText(/\d/); // the numbers stay on screen
    const health = await request.get("/api/health");
    expect(health.status()).toBe(503);
    expect(await health.json()).toMatchObject({ status: "unavailable", database: "down" });
    const api = await request.get("/api/v1/overview");
    expect(api.status()).toBe(503);
    expect((await api.json()).error).toBe("database_unavailable");
    await page.screenshot({ path: "test-results/e2e/overview-outage.png", fullPage: true });
  } finally {
    await database("start");
  }
  await expect(page.getByRole("alert").filter({ hasText: "Data is stale" })).toBeHidden({
    timeout: 20_000,
  });
  expect((await request.get("/api/health")).status()).toBe(200);
});
