// The 3 a.m. story (issue #4) in the browser, signed in through the (simulated) SSO proxy as an
// operator and as a viewer.
import type { Browser } from "@playwright/test";
import { expect, pagesWaitForReady, ready, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

async function signedIn(browser: Browser, user: string, groups: string) {
  return pagesWaitForReady(
    await browser.newContext({
      extraHTTPHeaders: {
        "x-idemscope-proxy-secret": E2E_AUTH.proxySecret,
        "x-forwarded-user": user,
        "x-forwarded-email": `${user}@example.com`,
        "x-forwarded-groups": groups,
      },
    }),
  );
}

test.describe("On-call", () => {
  test("an operator releases a stuck key, bulk-releases an endpoint's, and finds both in the audit log", async ({
    browser,
  }) => {
    const context = await signedIn(browser, "olga", "oncall");
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByTestId("whoami")).toContainText("olga");
    await expect(page.getByTestId("whoami")).toContainText("operator");
    await expect(page.getByRole("heading", { name: "Stuck keys over time" })).toBeVisible();
    const stuckLink = page.getByRole("link", { name: /stuck keys →/ });
    await expect(stuckLink).toHaveAttribute("href", "/stuck");
    await stuckLink.click();
    await page.waitForURL(/\/stuck$/);

    // one key: release with a reason
    const table = page.getByRole("table", { name: "Stuck keys" });
    const row = table.locator("tbody tr").first();
    const key = (await row.locator("td").nth(2).textContent())!;
    await row.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog", { name: "Release this key?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText(key, { exact: true })).toBeVisible();
    const confirm = dialog.getByRole("button", { name: "Release key" });
    await expect(confirm).toBeDisabled(); // a reason is required
    await dialog.getByLabel(/Reason/).fill("INC-4242: payments worker OOM-killed at 02:10");
    await page.screenshot({ path: "test-results/e2e/stuck-release-dialog.png" });
    await confirm.click();
    await expect(page.getByTestId("action-result")).toContainText("next retry runs the work again");
    await expect(page.getByRole("alert").or(page.getByRole("status")).first()).toContainText(
      `Released ${key}`,
    );
    await expect(table.getByText(key, { exact: true })).toHaveCount(0);

    await page.getByRole("link", { name: "Audit entry →" }).click();
    await expect(page).toHaveURL(/\/audit\?keyId=\d+/);
    const audit = page.getByRole("table", { name: "Audit log" });
    await expect(audit.locator("tbody tr")).toHaveCount(1);
    await expect(audit).toContainText("olga");
    await expect(audit).toContainText("INC-4242: payments worker OOM-killed at 02:10");
    await expect(audit).toContainText("Released");

    // bulk: every stuck key on one endpoint older than 10 min
    await page.goto("/stuck");
    const endpoint = (await table.locator("tbody tr").first().locator("td").first().textContent())!;
    await page.getByLabel("Endpoint").fill(endpoint);
    await page.getByLabel("Older than").selectOption("600");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByTestId("stuck-total")).toContainText("matching the filters");
    const bulk = page.getByRole("region", { name: "Bulk action" });
    await expect(bulk).toContainText(`on ${endpoint} older than 10 min`);
    // the filter form loaded a new page: the reason is typed once it is interactive
    await ready(page);
    await bulk.getByLabel(/Reason/).fill("INC-4242: bulk release after the outage");
    await expect(bulk.getByRole("button", { name: "Preview" })).toBeEnabled();
    await bulk.getByRole("button", { name: "Preview" }).click();
    await expect(bulk.getByTestId("bulk-preview")).toHaveText(/^[\d,]+ stuck keys? match/);
    const go = bulk.getByRole("button", { name: /^Release [\d,]+ keys?…$/ });
    const n = Number((await go.textContent())!.replace(/\D/g, ""));
    expect(n).toBeGreaterThan(0);
    await go.click();
    const confirmBulk = page.getByRole("dialog", {
      name: `Release ${n.toLocaleString("en-US")} stuck ${n === 1 ? "key" : "keys"}?`,
    });
    await expect(
      confirmBulk.getByRole("button", { name: /^Release [\d,]+ keys?$/ }),
    ).toBeDisabled();
    await confirmBulk.getByLabel("Number of keys to confirm").fill(String(n));
    await page.screenshot({ path: "test-results/e2e/stuck-bulk-confirm.png" });
    await confirmBulk.getByRole("button", { name: /^Release [\d,]+ keys?$/ }).click();
    await expect(page.getByTestId("bulk-result")).toBeVisible();
    await expect(page.getByText(/Released [\d,]+ of [\d,]+ matching keys/)).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/stuck-bulk-done.png", fullPage: true });
    await page.getByRole("link", { name: "See them in the audit log →" }).click();
    await expect(page).toHaveURL(/\/audit\?batchId=/);
    await expect(
      page.getByRole("table", { name: "Audit log" }).locator("tbody tr").first(),
    ).toContainText("INC-4242: bulk release after the outage");
    await page.screenshot({ path: "test-results/e2e/audit.png", fullPage: true });
    await context.close();
  });

  test("a viewer sees the stuck keys but no working button, and the API refuses them", async ({
    browser,
  }) => {
    const context = await signedIn(browser, "vera", "eng");
    const page = await context.newPage();
    await page.goto("/stuck");
    await expect(page.getByTestId("whoami")).toContainText("vera");
    await expect(page.getByTestId("whoami")).toContainText("viewer");
    await expect(page.getByTestId("write-disabled")).toContainText("the viewer role");
    const buttons = page.getByRole("table", { name: "Stuck keys" }).getByRole("button");
    await expect(buttons.first()).toBeVisible();
    for (const b of await buttons.all()) await expect(b).toBeDisabled();
    await expect(page.getByRole("region", { name: "Bulk action" })).toHaveCount(0);
    await page.screenshot({ path: "test-results/e2e/stuck-viewer.png" });
    // the disabled button is not the defence: the server refuses the call itself
    const id = await page.evaluate(async () => {
      const r = await fetch("/api/v1/stuck?limit=1");
      return ((await r.json()) as { items: { id: string }[] }).items[0]!.id;
    });
    const status = await page.evaluate(async (keyId) => {
      const r = await fetch(`/api/v1/keys/${keyId}/release`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reason: "I am a viewer" }),
      });
      return r.status;
    }, id);
    expect(status).toBe(403);
    await context.close();
  });
});
