import { expect, test } from "../helpers/e2e-test";
import { DEMO_API_URL } from "../../playwright.config";

// A slow database, seen from the browser: another session holds a lock on the table behind one
// Overview panel (the stuck-keys chart) for longer than the dashboard's statement timeout (5 s).
// That panel says its query timed out; the tiles, the outcome chart and the endpoints table stay
// current; the panel comes back by itself once the lock is gone.
test("a panel whose query times out says so while the rest of the Overview stays live", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/?refresh=5");
  const stuckCard = page.locator("section.card", {
    has: page.getByRole("heading", { name: "Stuck keys over time" }),
  });
  await expect(stuckCard.locator(".recharts-surface")).toBeVisible();

  const locked = await fetch(`${DEMO_API_URL}/_demo/slow-stuck-chart?seconds=25`, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
  expect(locked.status).toBe(200);

  // First paint while the lock is held: the numbers arrive at once (streamed), before the chart's
  // query times out (5 s); the chart's card follows with its reason.
  const fresh = await page.context().newPage();
  const started = Date.now();
  await fresh.goto("/?refresh=5", { waitUntil: "commit" });
  await expect(fresh.getByTestId("tile-requests").locator(".tile-value")).toHaveText(/\d/, {
    timeout: 4_000,
  });
  expect(Date.now() - started).toBeLessThan(4_500);
  const freshCard = fresh.locator("section.card", {
    has: fresh.getByRole("heading", { name: "Stuck keys over time" }),
  });
  await expect(freshCard.getByRole("alert")).toContainText("This panel could not be loaded.", {
    timeout: 30_000,
  });
  await fresh.close();

  const panelAlert = stuckCard.getByRole("alert");
  await expect(panelAlert).toContainText("This panel could not be loaded.", { timeout: 30_000 });
  await expect(panelAlert).toContainText(
    "The database did not answer within the statement timeout.",
  );
  await expect(stuckCard.locator(".recharts-surface")).toHaveCount(0);
  // the rest of the page: fresh numbers, no page-wide stale banner
  await expect(page.getByText("Data is stale")).toHaveCount(0);
  for (const id of ["tile-requests", "tile-replay-ratio", "tile-duplicate-successes"])
    await expect(page.getByTestId(id).locator(".tile-value")).toHaveText(/\d/);
  await expect(page.getByRole("table", { name: "Busiest endpoints" })).toContainText(
    "POST /v1/payments",
  );
  await expect(page.getByTestId("updated-ago")).toHaveText(/updated \d+ s ago/);
  await page.screenshot({ path: "test-results/e2e/overview-slow-panel.png", fullPage: true });

  // the lock goes after 25 s; the next refresh brings the chart back
  await expect(stuckCard.locator(".recharts-surface")).toBeVisible({ timeout: 60_000 });
  await expect(stuckCard.getByRole("alert")).toHaveCount(0);
});
