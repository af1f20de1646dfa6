import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

test.describe("Annotations", () => {
  test("a deploy from CI shows on the charts, and its before/after says what got worse", async ({
    page,
    request,
  }) => {
    // CI sends one with an operator token; a viewer's token is refused
    const refused = await request.post("/api/v1/annotations", {
      headers: { authorization: `Bearer ${E2E_AUTH.viewerToken}` },
      data: { text: "deploy from a viewer" },
    });
    expect(refused.status()).toBe(403);
    const sent = await request.post("/api/v1/annotations", {
      headers: { authorization: `Bearer ${E2E_AUTH.operatorToken}` },
      // a few minutes ago: the Overview charts whole minutes, not the current one
      data: {
        text: "deploy payments-api e2e",
        version: "v-e2e",
        at: new Date(Date.now() - 180_000).toISOString(),
      },
    });
    expect(sent.status()).toBe(201);

    // the history's bad deploy nine days ago, and its rollback, are listed on Trends
    await page.goto("/trends?range=30d");
    const list = page.getByRole("table", { name: "Annotations" });
    await expect(list).toContainText("deploy payments-api v141");
    await expect(list).toContainText("rollback payments-api to v140");
    await expect(list).toContainText("v-e2e");
    // markers on the daily charts (duplicate success rate, store growth, money): the deploy and
    // its rollback share a day, named oldest first
    await expect(page.locator("svg text", { hasText: "v141 · v140" })).toHaveCount(3);
    const row = list.getByRole("row", { name: /deploy payments-api v141/ });
    await row.getByRole("button", { name: "Before / after" }).click();
    await page.getByRole("radio", { name: "6 h" }).check();
    const compare = page.getByRole("table", { name: "Before and after" });
    // the verdict cell says "worse" (not "no worse", which contains it)
    await expect(
      compare
        .getByRole("row", { name: /Duplicate success rate/ })
        .getByText("worse", { exact: true }),
    ).toBeVisible();
    await expect(page.getByTestId("comparison-verdict")).toContainText("Worse after this change");
    await page
      .getByRole("region", { name: "Deploys and annotations" })
      .screenshot({ path: "test-results/e2e/annotations.png" });
    await page.screenshot({ path: "test-results/e2e/trends-annotations.png", fullPage: true });

    // the live one marks the Overview's chart, as does the demo's own deploy when its traffic began
    await page.goto("/?range=1h");
    await expect(page.locator("svg text", { hasText: "v-e2e" }).first()).toBeVisible();
    await expect(page.locator("svg text", { hasText: "v142" }).first()).toBeVisible();

    // a marker leads to its before/after on Trends, at the shortest range that shows it, in view:
    // that of the oldest annotation in its bucket (the demo's own deploy shares v-e2e's when the
    // demo began a few minutes before this story)
    const marker = page.getByRole("link", { name: /v-e2e.*before and after, on Trends/ }).first();
    const label = (await marker.getAttribute("aria-label")) ?? "";
    const oldest = label.split(/ · | \+\d+ more|: before and after/)[0]!;
    expect(["v142", "v-e2e"]).toContain(oldest);
    await marker.click();
    await expect(page).toHaveURL(/\/trends\?range=7d&annotation=[^#]+#annotations$/);
    const opened = page
      .getByRole("table", { name: "Annotations" })
      .getByRole("row", { name: new RegExp(oldest) });
    await expect(opened.getByRole("button", { name: "Hide" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Before and after" })).toBeInViewport();
  });
});
