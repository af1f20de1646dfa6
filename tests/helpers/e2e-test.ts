// Playwright's test, with every page.goto resolving once the page is interactive: the app marks
// `<html data-ready="true">` after React hydrated it (components/ui/ReadyMark.tsx). A story then
// interacts as a user does once the page has settled, and a click the app would drop is a
// failure, never a retry.
import { test as base, type BrowserContext, type Page } from "@playwright/test";
import { NAVIGATION_FALLBACK_KEY } from "../../lib/client/navigation";

export { expect } from "@playwright/test";

/** Waits until the document in `page` has hydrated (after a full load: a goto, a GET form). */
export async function ready(page: Page): Promise<void> {
  await page.locator('html[data-ready="true"]').waitFor({ state: "attached", timeout: 30_000 });
}

function gotoWaitsForReady(page: Page): void {
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    const html = response?.headers()["content-type"]?.includes("text/html") ?? false;
    if (html && (options?.waitUntil ?? "load") !== "commit") await ready(page);
    return response;
  };
}

/** Every page of `context` waits for readiness on goto (for contexts a story makes itself). */
export function pagesWaitForReady(context: BrowserContext): BrowserContext {
  context.on("page", gotoWaitsForReady);
  return context;
}

/** Fails the story when a click needed the browser's fallback (components/ui/AppLink.tsx). */
export async function assertNoNavigationFallback(context: BrowserContext): Promise<void> {
  for (const page of context.pages()) {
    if (page.isClosed() || !page.url().startsWith("http")) continue;
    const fallback = await page
      .evaluate((key) => sessionStorage.getItem(key), NAVIGATION_FALLBACK_KEY)
      .catch(() => null);
    if (fallback) throw new Error(`a click on ${fallback} did not navigate: the browser took over`);
  }
}

export const test = base.extend({
  context: async ({ context }, provide) => {
    await provide(pagesWaitForReady(context));
    await assertNoNavigationFallback(context);
  },
});
