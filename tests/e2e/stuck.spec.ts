import { expect, test } from "../helpers/e2e-test";

test.describe("Stuck keys", () => {
  test("lists the demo's stuck keys, oldest first, and filters them through the URL", async ({
    page,
  }) => {
    await page.goto("/");
    const stuckLink = page.getByRole("link", { name: /stuck keys →/ });
    await expect(stuckLink).toHaveAttribute("href", "/stuck");
    await stuckLink.click();
    await page.waitForURL(/\/stuck$/);
    await expect(page.getByTestId("stuck-total")).toHaveText(/^[1-9]\d* stuck keys?$/);
    const table = page.getByRole("table", { name: "Stuck keys" });
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    const endpoint = (await rows.first().locator("td").first().textContent())!;

    // sortable by age: newest first, through the URL
    await table.getByRole("link", { name: "Age ↓" }).click();
    await expect(page).toHaveURL(/order=newest/);
    await expect(table.getByRole("link", { name: "Age ↑" })).toBeVisible();
    await table.getByRole("link", { name: "Age ↑" }).click();
    await expect(page).toHaveURL(/\/stuck$/);

    await page.getByLabel("Endpoint").fill(endpoint);
    await page.getByLabel("Older than").selectOption("600");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/endpoint=POST\+%2Fv1%2F\w+.*minAgeSeconds=600/);
    await expect(page.getByTestId("stuck-total")).toContainText("matching the filters");
    for (const cell of await table.locator("tbody tr td:first-child").allTextContents())
      expect(cell).toBe(endpoint);
    await page.screenshot({ path: "test-results/e2e/stuck.png", fullPage: true });

    await page.getByLabel("Client").fill("no-such-client");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("No stuck key matches these filters.")).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/stuck$/);
  });
});

test.describe("GET /api/v1/stuck", () => {
  test("pages with opaque cursors and reports the total", async ({ request }) => {
    const first = await (await request.get("/api/v1/stuck?limit=2")).json();
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThan(2);
    expect(first.totalIsEstimate).toBe(false);
    expect(Object.keys(first.items[0]).sort()).toEqual(
      [
        "ageSeconds",
        "attempts",
        "endpoint",
        "id",
        "key",
        "lockOwner",
        "lockTimeoutSeconds",
        "lockedAt",
        "recoveryPoint",
        "scope",
      ].sort(),
    );
    const second = await (
      await request.get(`/api/v1/stuck?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect(second.items[0].ageSeconds).toBeLessThanOrEqual(first.items[1].ageSeconds + 1);
  });

  test("rejects bad parameters with 400 and a message", async ({ request }) => {
    for (const query of [
      "limit=0",
      "limit=501",
      "limit=ten",
      "minAgeSeconds=-1",
      "cursor=bm9wZQ",
      "cursor=%22%3B--",
      "colour=red",
      "order=sideways",
      `scope=${"x".repeat(300)}`,
    ]) {
      const res = await request.get(`/api/v1/stuck?${query}`);
      expect(res.status(), query).toBe(400);
      const body = await res.json();
      expect(body.error).toBe("invalid_request");
      expect(body.message.length).toBeGreaterThan(5);
    }
  });
});
