import type { Route } from "@playwright/test";
import { expect, test } from "../helpers/e2e-test";

test.describe("Overview", () => {
  test("shows live numbers from the store, and they move", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    const tiles = [
      "tile-requests",
      "tile-replay-ratio",
      "tile-duplicate-successes",
      "tile-conflicts",
      "tile-mismatches",
      "tile-stuck",
      "tile-replay-latency",
    ];
    for (const id of tiles) {
      await expect(page.getByTestId(id).locator(".tile-value")).toHaveText(/\d/);
    }
    // backfilled history leaves keys stuck right now
    await expect(page.getByTestId("tile-stuck").locator(".tile-value")).not.toHaveText("0");
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await expect(page.getByRole("table", { name: "Busiest endpoints" })).toContainText(
      "POST /v1/payments",
    );
    // the simulator's reference writer times its claims: p50 / p95 / p99 per endpoint
    const payments = page
      .getByRole("table", { name: "Busiest endpoints" })
      .getByRole("row", { name: /POST \/v1\/payments/ });
    await expect(payments.getByRole("cell").last()).toHaveText(
      /^[\d.]+ (ms|s) \/ [\d.]+ (ms|s) \/ [\d.]+ (ms|s)$/,
    );
    await expect(page.getByTestId("updated-ago")).toHaveText(/updated \d+ s ago/);
    await expect(page.getByTestId("collector-lag")).toHaveText(/rollups \d+ s behind/);

    // the simulator keeps writing: within a few refreshes the request count changes
    const detail = page.getByTestId("tile-requests").locator(".tile-detail");
    const before = await detail.textContent();
    await expect
      .poll(() => detail.textContent(), { timeout: 30_000, intervals: [2_000] })
      .not.toBe(before);
    await page.screenshot({ path: "test-results/e2e/overview.png", fullPage: true });
  });

  test("keeps the time range in the URL", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "24h", exact: true }).click();
    await expect(page).toHaveURL(/range=24h/);
    await expect(page.getByText("Last 24 hours")).toBeVisible();
    await expect(page.getByRole("figure", { name: /requests \/ hour/ })).toBeVisible();
    // a shared link opens the same view
    await page.goto("/?range=7d");
    await expect(page.getByText("Last 7 days")).toBeVisible();
    await expect(page.getByRole("link", { name: "7d", exact: true })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  test("a choice or a click made while the page is still loading is not lost", async ({ page }) => {
    // the app's scripts arrive late, as on a slow phone; the story acts as soon as it can see
    // the element, without waiting for the page to be ready
    const slowScripts = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    };
    await page.route("**/_next/static/chunks/**", slowScripts);
    await page.goto("/", { waitUntil: "commit" });
    await page.getByLabel("Auto-refresh interval").selectOption("0");
    await expect(page).toHaveURL(/refresh=0/, { timeout: 20_000 });
    await expect(page.getByLabel("Auto-refresh interval")).toHaveValue("0");

    await page.goto("/", { waitUntil: "commit" });
    await page.getByRole("link", { name: /stuck keys →/ }).click();
    await expect(page).toHaveURL(/\/stuck$/, { timeout: 20_000 });
    await page.unroute("**/_next/static/chunks/**", slowScripts);
  });

  test("auto-refresh can be paused and resumed", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("Auto-refresh interval").selectOption("0");
    await expect(page).toHaveURL(/refresh=0/);
    await expect(page.getByText("Auto-refresh is paused.")).toBeVisible();
    const detail = page.getByTestId("tile-requests").locator(".tile-detail");
    const frozen = await detail.textContent();
    await page.waitForTimeout(7_000);
    await expect(detail).toHaveText(frozen ?? "");
    await page.getByLabel("Auto-refresh interval").selectOption("5");
    await expect(page.getByText("Auto-refresh is paused.")).toBeHidden();
  });
});

test.describe("Navigation", () => {
  const pages = [
    ["Stuck keys", "/stuck", "Stuck keys"],
    ["Key search", "/keys", "Key search"],
    ["Clients", "/clients", "Clients"],
    ["Trends", "/trends", "Trends"],
    ["Store", "/store", "Store"],
    ["Audit", "/audit", "Audit log"],
  ] as const;

  test("reaches every page from the sidebar", async ({ page }) => {
    await page.goto("/");
    for (const [label, path, heading] of pages) {
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: label })
        .click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    }
  });

  test("an unknown address shows a not-found page with a way back", async ({ page }) => {
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.getByRole("link", { name: "Go to the overview" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  });

  test("a bar of the requests chart opens the keys first seen in its bucket", async ({ page }) => {
    await page.goto("/?range=1h");
    const chart = page.getByRole("figure", { name: /Requests by outcome/ });
    const box = (await chart.getByRole("application").boundingBox())!;
    // the middle of the plot, a whole minute with traffic: pointed at (its tooltip), then clicked
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await expect(
      page
        .getByRole("figure", { name: /Requests by outcome/ })
        .locator(".recharts-tooltip-wrapper"),
    ).toBeVisible();
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await expect(page).toHaveURL(/\/keys\?from=[^&]+&to=/);
    const url = new URL(page.url());
    const span =
      Date.parse(url.searchParams.get("to")!) - Date.parse(url.searchParams.get("from")!);
    expect(span).toBe(60_000);
    await expect(page.getByTestId("first-seen-window")).toContainText("First seen from");
    await expect(page.getByTestId("key-results")).toHaveText(/\d+\+? keys?/);
    // every key listed was first seen in that minute
    const seen = await page
      .getByRole("table", { name: "Keys found" })
      .locator("tbody tr td:nth-child(5) time")
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute("datetime") ?? "")));
    expect(seen.length).toBeGreaterThan(0);
    const from = Date.parse(url.searchParams.get("from")!);
    expect(seen.every((t) => t >= from && t < from + span)).toBe(true);
    await page.getByTestId("first-seen-window").getByRole("link", { name: "any time" }).click();
    await expect(page).toHaveURL(/\/keys$/);
  });

  test("an unknown key or client answers 404, a malformed key id says why", async ({ page }) => {
    // no loading skeleton streams ahead of these pages, so the status is the page's answer
    const key = await page.goto("/keys/987654321987");
    expect(key?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "No such key", level: 1 })).toBeVisible();
    const intent = await page.goto("/keys/lookup?scope=nobody&endpoint=POST%20%2Fv1%2Fx&key=k");
    expect(intent?.status()).toBe(404);
    const client = await page.goto("/clients/no-such-client");
    expect(client?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Unknown client" })).toBeVisible();
    await page.goto("/keys/abc");
    await expect(page.getByText("“abc” is not a key id.")).toBeVisible();
    await expect(page.getByText(/whole number of 64 bits/)).toBeVisible();
  });
});

test.describe("Recent errors", () => {
  test("lists the newest errors, filters them by kind and leads to their keys", async ({
    page,
  }) => {
    await page.goto("/");
    const table = page.getByRole("table", { name: "Recent errors" });
    await expect(table.locator("tbody tr").first()).toBeVisible();
    await page.getByRole("radio", { name: "Conflicts" }).check();
    await expect(table.locator("tbody tr").first()).toBeVisible();
    // a conflict filter shows only conflicts, each answered 409
    await expect
      .poll(async () => [
        ...new Set(await table.locator("tbody tr td:nth-child(2)").allTextContents()),
      ])
      .toEqual(["conflict"]);
    await expect(table.locator("tbody tr").first().getByRole("cell").nth(5)).toHaveText("409");
    await page.screenshot({ path: "test-results/e2e/recent-errors.png", fullPage: true });
    const first = table.locator("tbody tr").first();
    const key = (await first.getByRole("cell").nth(4).textContent()) ?? "";
    await first.getByRole("cell").nth(4).getByRole("link").click();
    await expect(page).toHaveURL(/\/keys\/lookup\?/);
    await expect(page.getByRole("heading", { name: key })).toBeVisible();
    await expect(page.getByText("conflict").first()).toBeVisible();
  });
});

test.describe("Hot keys", () => {
  test("lists the keys with the most requests in the range, most first", async ({ page }) => {
    await page.goto("/?range=24h");
    const table = page.getByRole("table", { name: "Hot keys" });
    await expect(table.locator("tbody tr").first()).toBeVisible();
    const counts = (await table.locator("tbody tr td:nth-child(4)").allTextContents()).map((s) =>
      Number(s.replace(/,/g, "")),
    );
    expect(counts[0]).toBeGreaterThanOrEqual(3);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    await page
      .getByRole("region", { name: "Hot keys" })
      .screenshot({ path: "test-results/e2e/hot-keys.png" });
    const key = (await table.locator("tbody tr").first().getByRole("link").first().textContent())!;
    await table.locator("tbody tr").first().getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: key })).toBeVisible();
  });
});
