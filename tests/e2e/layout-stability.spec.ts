import type { Route } from "@playwright/test";
import { expect, test } from "../helpers/e2e-test";

// A click lands where the pointer went down. A page that moves while the app takes over (a label
// that appears only once hydrated, a list that arrives after the first paint) puts something else
// under a finger already on its way: the click goes to whatever moved in, and nothing happens.
// The Overview lost clicks this way (docs/reliability.md, "A click always navigates").
const PAGES = ["/", "/stuck", "/keys", "/clients", "/trends", "/duplicates", "/store", "/audit"];

declare global {
  interface Window {
    layoutShifts: { value: number; moved: string[] }[];
  }
}

test("no page moves while its scripts arrive and hydrate it", async ({ page }) => {
  await page.addInitScript(() => {
    window.layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as {
        value: number;
        sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[];
      }[])
        window.layoutShifts.push({
          value: entry.value,
          moved: entry.sources.map(
            (s) =>
              `${(s.node as Element | undefined)?.textContent?.slice(0, 40)}: ` +
              `y ${Math.round(s.previousRect.y)} → ${Math.round(s.currentRect.y)}`,
          ),
        });
    }).observe({ type: "layout-shift", buffered: true });
  });
  // the scripts arrive late, as on a slow phone: the streamed page is up well before it hydrates
  const slowScripts = async (route: Route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  };
  await page.route("**/_next/static/chunks/**/*.js", slowScripts);
  for (const path of PAGES) {
    await page.goto(path);
    // the panels that load after the first paint have had their first answer
    await page.waitForLoadState("networkidle");
    const shifts = await page.evaluate(() => window.layoutShifts);
    expect(shifts, `${path} moved`).toEqual([]);
  }
});
