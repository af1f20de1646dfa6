// The screen an on-call engineer holds at 3 a.m. (issue #34): a phone, in any time zone. Every page
// fits 390 px and hydrates without an error in Los Angeles with a British browser; times are
// written in one format in the zone chosen in the sidebar (local by default, UTC on request,
// remembered); on a phone the navigation folds behind a Menu button and a stuck key's Release
// and Fail are thumb-sized.
import { expect, test } from "../helpers/e2e-test";

const PAGES = ["/", "/stuck", "/keys", "/clients", "/trends", "/duplicates", "/store", "/audit"];

test.use({ timezoneId: "America/Los_Angeles", locale: "en-GB" });

/** What the key timeline must write for an instant, in `zone` (en-GB, 24 h, the zone's name). */
function expected(iso: string, zone: string, name: string): string {
  const text = new Date(iso).toLocaleString("en-GB", {
    timeZone: zone,
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    fractionalSecondDigits: 3,
    hourCycle: "h23",
  });
  return `${text} ${name}`;
}

test("times are the viewer's local time, or UTC when chosen, on the right day", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const search = await page.request.get("/api/v1/keys?limit=1");
  const id = ((await search.json()) as { items: { id: string }[] }).items[0]!.id;
  await page.goto(`/keys/${id}`);
  const first = page.getByRole("list", { name: "Events" }).locator("time").first();
  const at = (await first.getAttribute("datetime"))!;
  const pacific = new Date(at)
    .toLocaleString("en-US", { timeZone: "America/Los_Angeles", timeZoneName: "short" })
    .split(" ")
    .at(-1)!;
  await expect(first).toHaveText(expected(at, "America/Los_Angeles", pacific));

  await page.getByLabel("Time zone for every time shown").selectOption("utc");
  await expect(first).toHaveText(expected(at, "UTC", "UTC"));
  // remembered: the next page is rendered in UTC by the server already
  await page.reload();
  await expect(page.getByRole("list", { name: "Events" }).locator("time").first()).toHaveText(
    expected(at, "UTC", "UTC"),
  );
  await page.getByLabel("Time zone for every time shown").selectOption("local");
  expect(errors).toEqual([]);
});

test("every page fits a phone, hydrates cleanly, and a stuck key can be released with a thumb", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const errors: string[] = [];
  let current = "";
  page.on("pageerror", (e) => errors.push(`${current}: ${e.message}`));
  for (const path of PAGES) {
    current = path;
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  expect(errors, "hydration or script errors").toEqual([]);

  // the navigation folds behind Menu, and leads on
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Stuck keys", exact: true })).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("link", { name: "Stuck keys", exact: true }).click();
  await expect(page).toHaveURL(/\/stuck/);
  await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute(
    "aria-expanded",
    "false",
  );
  const release = page
    .getByRole("table", { name: "Stuck keys" })
    .getByRole("button", { name: "Release" })
    .first();
  await expect(release).toBeVisible();
  const box = (await release.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/e2e/phone-stuck.png" });
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });

  test("a tap shows a bar's figures, a second tap opens its keys", async ({ page }) => {
    await page.goto("/?range=1h");
    const plot = page.getByRole("figure", { name: /Requests by outcome/ }).getByRole("application");
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const [x, y] = [box.x + box.width * 0.6, box.y + box.height * 0.5];
    await page.touchscreen.tap(x, y);
    await expect(
      page
        .getByRole("figure", { name: /Requests by outcome/ })
        .locator(".recharts-tooltip-wrapper"),
    ).toBeVisible();
    await expect(page).toHaveURL(/\/\?range=1h$/);
    await page.touchscreen.tap(x, y);
    await expect(page).toHaveURL(/\/keys\?from=[^&]+&to=/);
    await expect(page.getByTestId("first-seen-window")).toBeVisible();
  });
});
