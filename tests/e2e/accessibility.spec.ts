// Every page passes axe-core's WCAG 2.1 A and AA rules (issue #34): light on a phone, dark on a
// desk, so contrast is checked in both themes and the phone's scrolling cards in one.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "../helpers/e2e-test";

const PAGES = [
  "/",
  "/stuck",
  "/keys",
  "/keys?range=24h",
  "/clients",
  "/clients/acme-web",
  "/trends",
  "/duplicates",
  "/store",
  "/audit",
];

/** axe's violations on the page, one readable line each (rule, impact, first elements). */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(", ")}`,
  );
}

async function keyPage(page: Page): Promise<string> {
  const res = await page.request.get("/api/v1/keys?limit=1");
  return `/keys/${((await res.json()) as { items: { id: string }[] }).items[0]!.id}`;
}

for (const [scheme, width] of [
  ["light", 390],
  ["dark", 1440],
] as const) {
  test(`every page passes axe's WCAG 2.1 AA rules, ${scheme} at ${width} px`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    const found: string[] = [];
    for (const path of [...PAGES, await keyPage(page)]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      found.push(...(await violations(page)).map((v) => `${path}: ${v}`));
    }
    expect(found).toEqual([]);
  });
}
