// The Monday review: trends over 30 days of demo history, exported and printed.
import fs from "node:fs/promises";
import { expect, test } from "../helpers/e2e-test";

test.describe("Trends", () => {
  test("shows the verdict and the daily charts, exports CSV, and prints on A4", async ({
    page,
  }) => {
    await page.goto("/trends");
    await expect(page.getByRole("heading", { name: "Trends", level: 1 })).toBeVisible();
    await expect(page.getByTestId("verdict")).toHaveText(/^Within target on \d+ of \d+ days/);
    await expect(page.getByTestId("verdict")).toContainText("worst day");
    await expect(page.getByRole("figure", { name: /Daily duplicate success rate/ })).toBeVisible();
    await expect(page.getByRole("figure", { name: /Duplicates prevented per day/ })).toBeVisible();
    // a chart once an operator released or failed a key (the on-call story does), else says none
    await expect(
      page
        .getByRole("figure", { name: /Manual interventions per month/ })
        .or(page.getByText("No key released or failed by an operator in the last 12 months.")),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/trends.png", fullPage: true });

    const rateCard = page.locator("section.card", { hasText: "Duplicate success rate per day" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      rateCard.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("idemscope-duplicate-success-rate-30d.csv");
    const csv = await fs.readFile((await download.path())!, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("day,succeededIntents,duplicateSuccesses,duplicateSuccessRate");
    expect(lines).toHaveLength(31);
    expect(lines.slice(1).every((l) => /^"\d{4}-\d\d-\d\d",\d+,\d+,[\d.e-]*$/.test(l))).toBe(true);

    await page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "7d" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(page.getByText("last 7 days")).toBeVisible();

    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".sidebar")).toBeHidden();
    await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.waitForTimeout(500); // charts re-measure
    await page.screenshot({ path: "test-results/e2e/trends-print.png", fullPage: true });
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.length).toBeGreaterThan(10_000);
  });

  test("GET /api/v1/trends has every field of docs/api.md and rejects sub-day ranges", async ({
    request,
  }) => {
    const body = await (await request.get("/api/v1/trends?range=30d")).json();
    expect(body.target).toBe(0.001);
    expect(body.days).toHaveLength(30);
    expect(Object.keys(body.days[0])).toEqual(
      expect.arrayContaining([
        "day",
        "requests",
        "replayed",
        "duplicateSuccesses",
        "duplicateSuccessRate",
        "interventions",
      ]),
    );
    expect(
      body.days.reduce((s: number, d: { requests: number }) => s + d.requests, 0),
    ).toBeGreaterThan(10_000);
    for (const q of ["range=1h", "range=year", "range=30d&range=7d", "colour=red"]) {
      const res = await request.get(`/api/v1/trends?${q}`);
      expect(res.status(), q).toBe(400);
      expect((await res.json()).message.length).toBeGreaterThan(5);
    }
  });
});
