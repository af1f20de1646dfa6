import { expect, pagesWaitForReady, test } from "../helpers/e2e-test";
import { DEMO_API_URL } from "../../playwright.config";

// Stops the demo's real embedded PostgreSQL and starts it again.
async function database(action: "stop" | "start") {
  const res = await fetch(`${DEMO_API_URL}/_demo/database/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
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

test("every open page keeps its data under a stale banner, and a release during the outage fails cleanly and changes nothing", async ({
  browser,
  request,
}) => {
  test.setTimeout(300_000);
  const context = pagesWaitForReady(await browser.newContext()); // the demo's loopback operator
  const pages = ["/", "/stuck", "/clients", "/trends", "/store", "/audit"];
  const tabs = [];
  for (const url of pages) {
    const tab = await context.newPage();
    await tab.goto(url);
    await expect(tab.locator("h1").first()).toBeVisible();
    await expect(tab.getByText(/updated/i).first()).toBeVisible({ timeout: 20_000 });
    tabs.push(tab);
  }
  // an operator is about to release a key when the database goes away
  const stuck = tabs[1]!;
  const row = stuck.getByRole("table", { name: "Stuck keys" }).locator("tbody tr").first();
  const key = (await row.locator("td").nth(2).textContent())!;
  await row.getByRole("button", { name: "Release" }).click();
  const dialog = stuck.getByRole("dialog", { name: "Release this key?" });
  await dialog.getByLabel(/Reason/).fill("INC-5000: released during the outage test");
  try {
    await database("stop");
    for (const [i, tab] of tabs.entries()) {
      await expect(
        tab.getByRole("alert").filter({ hasText: "Data is stale" }),
        pages[i],
      ).toBeVisible({ timeout: 75_000 }); // Trends and Store refresh every 60 s
    }
    await dialog.getByRole("button", { name: "Release key" }).click();
    await expect(stuck.getByRole("alert").filter({ hasText: "database" }).first()).toBeVisible({
      timeout: 20_000,
    });
    await stuck.screenshot({ path: "test-results/e2e/stuck-outage.png", fullPage: true });
  } finally {
    await database("start");
  }
  // back: the banners go by themselves, and the key is still stuck with no audit entry
  for (const [i, tab] of tabs.entries()) {
    // Trends and Store poll every 60 s: their first poll after the restart can be a minute away
    await expect(tab.getByRole("alert").filter({ hasText: "Data is stale" }), pages[i]).toBeHidden({
      timeout: 90_000,
    });
  }
  const list = (await (await request.get("/api/v1/stuck?limit=500")).json()) as {
    items: { key: string }[];
  };
  expect(list.items.map((k) => k.key)).toContain(key);
  const audit = (await (
    await request.get(`/api/v1/audit?key=${encodeURIComponent(key)}`)
  ).json()) as { items: unknown[] };
  expect(audit.items).toEqual([]);
  await context.close();
});
