// The platform engineer's story: who retries too much? On the demo with 30 days of history and a
// client (hooli-android) whose buggy release retries every request a dozen times.
import fs from "node:fs/promises";
import { expect, test } from "../helpers/e2e-test";
import type { ClientList } from "../../lib/client/api-types/clients";
import { DEMO_API_URL } from "../../playwright.config";

const STORM_CLIENT = "hooli-android";
const ODD = 'we/ird <b>bold</b> %2F & "quotes" ü';

test.describe("Clients", () => {
  test("flags the client in a retry storm, sorts by retries, and opens its page", async ({
    page,
    request,
  }) => {
    test.setTimeout(300_000);
    // the demo's storm begins a minute after launch; the flag needs a few minutes of it
    await expect
      .poll(
        async () => {
          const body = (await (
            await request.get("/api/v1/clients?range=24h")
          ).json()) as ClientList;
          return body.storms.map((s) => s.scope);
        },
        { timeout: 240_000, intervals: [5_000] },
      )
      .toContain(STORM_CLIENT);

    await page.goto("/clients");
    await expect(page.getByRole("heading", { name: "Clients", level: 1 })).toBeVisible();
    const banner = page
      .getByRole("alert")
      .filter({ hasText: `${STORM_CLIENT} is in a retry storm` });
    await expect(banner).toContainText(
      /retry rate \d+(\.\d)?× its 7-day baseline since \d\d:\d\d UTC/,
    );
    const stormRow = page.getByRole("row").filter({ hasText: STORM_CLIENT }).first();
    await expect(stormRow.getByText(/retry storm \d/)).toBeVisible();
    await expect(
      page.getByRole("img", { name: /Retries per key of acme-web: from/ }),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/clients.png", fullPage: true });

    // sort by retries per key: the URL keeps the order, the column is non-increasing
    await page
      .getByRole("columnheader", { name: "Retries per key", exact: true })
      .getByRole("link")
      .click();
    await expect(page).toHaveURL(/sort=retriesPerKey&dir=desc/);
    await expect(
      page.getByRole("columnheader", { name: "Retries per key", exact: true }),
    ).toHaveAttribute("aria-sort", "descending");
    const rates = (
      await page.locator("table[aria-label=Clients] tbody tr td:nth-child(4)").allInnerTexts()
    ).map(Number);
    expect(rates.length).toBeGreaterThan(10);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const csv = await fs.readFile((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "scope,requests,keys,retriesPerKey,replayed,reclaimed,conflicts,mismatches,storm,stormHoursInRange",
    );

    await page.getByRole("link", { name: STORM_CLIENT, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/clients/${STORM_CLIENT}\\?range=24h$`));
    await expect(page.getByRole("heading", { name: STORM_CLIENT, level: 1 })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Retry storm:" })).toBeVisible();
    await expect(
      page.getByRole("figure", {
        name: /Requests per hour and retries per key, with the 7-day baseline/,
      }),
    ).toBeVisible();
    await expect(
      page.getByRole("table", { name: "Endpoints of this client" }).getByRole("row"),
    ).toHaveCount(9);
    await page.screenshot({ path: "test-results/e2e/client.png", fullPage: true });
    await page
      .getByRole("group", { name: "Time range" })
      .getByRole("link", { name: "30d" })
      .click();
    await expect(page.getByRole("figure", { name: /Requests per day/ })).toBeVisible();
  });

  test("shows a client with an odd name exactly, as text", async ({ page, request }) => {
    // three requests of one key from a client whose name has HTML, quotes, %2F and a slash
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${DEMO_API_URL}/v1/orders`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-client-id": ODD,
          "idempotency-key": "odd-1",
        },
        body: JSON.stringify({ amount: 100, currency: "EUR" }),
      });
      expect(res.status).toBeLessThan(300);
    }
    const api = `/api/v1/clients/${encodeURIComponent(ODD)}?range=24h`;
    // the collector folds them within a second or two
    await expect
      .poll(
        async () => {
          const res = await request.get(api);
          return res.ok() ? (await res.json()).totals : res.status();
        },
        { timeout: 20_000 },
      )
      .toMatchObject({ requests: 3, keys: 1, retriesPerKey: 3 });

    // it reaches the list with the collector's next count (every 15 s)
    await expect
      .poll(
        async () => {
          const body = (await (
            await request.get("/api/v1/clients?range=24h&sort=scope&dir=desc&limit=500")
          ).json()) as ClientList;
          return body.items.some((c) => c.scope === ODD);
        },
        { timeout: 60_000, intervals: [3_000] },
      )
      .toBe(true);
    await page.goto("/clients?range=24h&sort=scope&dir=desc");
    // the link carries the name encoded once; the page it leads to shows it as text
    const link = page.getByRole("link", { name: ODD, exact: true });
    const href = (await link.getAttribute("href"))!;
    expect(href).toBe(`/clients/${encodeURIComponent(ODD)}?range=24h`);
    await link.click();
    await page.waitForURL((url) => `${url.pathname}${url.search}` === href);
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toHaveText(ODD);
    await expect(heading.locator("b")).toHaveCount(0); // shown as text, never as markup
    await expect(page.getByRole("region", { name: "Retries per key" })).toContainText("3.00");
  });

  test("answers bad input with 400 or 404 and a message", async ({ request, page }) => {
    for (const [path, status] of [
      ["/api/v1/clients?range=15m", 400],
      ["/api/v1/clients?sort=bogus", 400],
      ["/api/v1/clients?cursor=nope", 400],
      ["/api/v1/clients/nobody-at-all", 404],
      ["/api/v1/clients/acme-web?range=1y", 400],
    ] as const) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(status);
      expect((await res.json()).message, path).toBeTruthy();
    }
    await page.goto("/clients/nobody-at-all");
    await expect(page.getByRole("heading", { name: "Unknown client" })).toBeVisible();
  });
});
