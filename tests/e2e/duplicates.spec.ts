import { expect, test } from "../helpers/e2e-test";

test.describe("Duplicate successes", () => {
  test("an operator reconciles one; it shows on Trends, the key page and the audit log", async ({
    page,
  }) => {
    await page.goto("/duplicates");
    await expect(
      page.getByRole("heading", { name: "Duplicate successes", level: 1 }),
    ).toBeVisible();
    const table = page.getByRole("table", { name: "Duplicate successes" });
    const first = table.locator("tbody tr").first();
    await expect(first).toContainText("open");
    const key = (await first.getByRole("cell").nth(4).textContent())!;
    // the demo's live traffic keeps making duplicates (reclaims, late retries), so the open ones
    // are compared by key: the reconciled one leaves, the others stay, new ones may arrive
    const openKeys = async () =>
      new Set(
        (
          (await (await page.request.get("/api/v1/duplicates?status=open&limit=500")).json()) as {
            items: { key: string }[];
          }
        ).items.map((d) => d.key),
      );
    const openBefore = await openKeys();
    expect(openBefore.has(key)).toBe(true);
    await first.getByRole("checkbox").check();
    const form = page.getByRole("region", { name: "Mark reconciled" });
    await form.getByLabel("Outcome").selectOption("voided");
    await form.getByLabel(/External reference/).fill("INC-4242");
    await form.getByLabel(/Reason/).fill("second order voided with the customer");
    await form.getByRole("button", { name: "Mark 1 reconciled" }).click();
    await expect(page.getByText("1 marked reconciled.")).toBeVisible();
    const openAfter = await openKeys();
    expect(openAfter.has(key)).toBe(false);
    for (const k of openBefore) if (k !== key) expect(openAfter.has(k), k).toBe(true);
    // the tile counts the open ones as the list does (at most the new arrivals since)
    await expect(async () => {
      const shown = Number(
        (await page
          .getByTestId("tile-open-duplicates")
          .locator(".tile-value")
          .textContent())!.replace(/,/g, ""),
      );
      expect(shown).toBe((await openKeys()).size);
    }).toPass({ timeout: 30_000 });
    await page.getByRole("radio", { name: "Reconciled" }).check();
    const done = table.getByRole("row", { name: new RegExp(key) });
    await expect(done).toContainText("voided");
    await expect(done).toContainText("INC-4242");
    await page.screenshot({ path: "test-results/e2e/duplicates.png", fullPage: true });

    // the key page's audit shows it
    await done.getByRole("link", { name: key }).click();
    await expect(page.getByRole("heading", { name: key })).toBeVisible();
    await expect(page.getByText("Reconciled duplicate").first()).toBeVisible();

    // Trends counts it this month, against the 0–5 target
    await page.goto("/trends");
    const tile = page.getByTestId("tile-reconciliations");
    await expect(tile.locator(".tile-value")).not.toHaveText("0");
    await expect(tile).toContainText("target 0–5 a month");
    await expect(page.getByRole("figure", { name: /reconciled per month/ })).toBeVisible();
  });
});

test.describe("A duplicate on its key page", () => {
  test("says it is open, and an operator reconciles it there", async ({ page }) => {
    await page.goto("/duplicates");
    const first = page.getByRole("table", { name: "Duplicate successes" }).locator("tbody tr");
    await expect(first.first()).toContainText("open");
    const key = (await first.first().getByRole("cell").nth(4).textContent())!;
    await first.first().getByRole("link", { name: key }).click();
    await expect(page.getByRole("heading", { name: key })).toBeVisible();
    const status = page.getByTestId("duplicate-reconciliation");
    await expect(status).toContainText("Open: nobody has reconciled it yet");
    const form = page.getByRole("region", { name: "Mark reconciled" });
    await form.getByLabel("Outcome").selectOption("accepted");
    await form.getByLabel(/Reason/).fill("customer kept both orders (CS-118)");
    await form.getByRole("button", { name: "Mark 1 reconciled" }).click();
    await expect(status).toContainText("Reconciled: accepted");
    await expect(status).toContainText("customer kept both orders (CS-118)");
    // the form goes once it is done; the audit table has the row
    await expect(form.getByRole("button", { name: "Mark 1 reconciled" })).toHaveCount(0);
    await expect(page.getByText("Reconciled duplicate").first()).toBeVisible();
    await page.screenshot({
      path: "test-results/e2e/key-duplicate-reconciled.png",
      fullPage: true,
    });
  });
});

test.describe("Money in duplicate successes", () => {
  test("Trends counts the money of the configured endpoints and names the others", async ({
    page,
  }) => {
    await page.goto("/trends?range=30d");
    const tile = page.getByTestId("tile-money");
    await expect(tile).toBeVisible();
    // the demo configures payments, refunds, transfers and payouts
    await expect(tile).not.toContainText("set IDEMSCOPE_AMOUNT_PATHS");
    const card = page.locator("section", { hasText: "Money in duplicate successes" }).last();
    await expect(card).not.toContainText("No amounts configured");
    await expect(card.getByTestId("money-coverage")).toContainText("amount × (successes − 1)");
    // the history's duplicates are priced (the demo's fold reads them while their keys exist),
    // and the reconciliation job's refunds of the bad deploy's are counted as reconciled
    await expect(card.getByTestId("money-coverage")).not.toContainText("purged");
    const eur = card.getByRole("table", { name: "Money by currency" }).getByRole("row", {
      name: /EUR/,
    });
    await expect(eur.getByRole("cell").nth(2)).toHaveText(/[1-9]/);
    await expect(tile.locator(".tile-value")).toHaveText(/€\s?[0-9]/);
    await card.screenshot({ path: "test-results/e2e/money.png" });
  });
});
