// "I was charged twice": from a request id to the story of its key, on the demo's data.
import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

const viewer = { authorization: `Bearer ${E2E_AUTH.viewerToken}` };

test.describe("Key search and lifecycle", () => {
  test("a pasted key leads to its story, which explains the duplicate success", async ({
    page,
    context,
    baseURL,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
    // the customer's request id: one the demo really charged twice
    const dup = await (await page.request.get("/api/v1/keys/duplicates?limit=1")).json();
    expect(dup.items.length).toBe(1);
    const key: string = dup.items[0].key;

    await page.goto("/");
    const box = page.getByRole("searchbox", { name: "Find an idempotency key" });
    await box.fill(key);
    await box.press("Enter");
    await expect(page).toHaveURL(/\/keys\/(\d+|lookup\?)/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(key);

    const callout = page.getByRole("alert", { name: "Duplicate success" });
    await expect(callout).toBeVisible();
    await expect(callout).toContainText("Duplicate success");
    await expect(page.getByTestId("duplicate-explanation")).toHaveText(
      /lock expired after|expired|released by|Two executions completed/,
    );
    const timeline = page.getByRole("list", { name: "Events" });
    expect(await timeline.locator('li[data-kind="completed"]').count()).toBeGreaterThanOrEqual(2);
    await expect(timeline.getByText("duplicate success")).toBeVisible();
    await expect(timeline.locator("li").first()).toContainText("+0 ms");
    await expect(page.getByRole("img", { name: /Attempts waterfall/ })).toBeVisible();
    await page.screenshot({ path: "test-results/e2e/key-lifecycle.png", fullPage: true });

    await page.getByRole("button", { name: "Copy link" }).click();
    await expect(page.getByRole("button", { name: "Link copied" })).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toContain("/keys/lookup?");
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(key);

    const trace = timeline.getByRole("link", { name: "trace ↗" }).first();
    await expect(trace).toHaveAttribute("href", /^https:\/\/tempo\.example\/trace\/[0-9a-f]+$/);

    // the stored response is redacted until an operator reveals it, with a reason, audited
    const live = await (
      await page.request.get("/api/v1/keys?status=completed&limit=1", { headers: viewer })
    ).json();
    await page.goto(`/keys/${live.items[0].id}`);
    await expect(page.getByText("(redacted)")).toBeVisible();
    await page.getByRole("button", { name: "Reveal response…" }).click();
    const dialog = page.getByRole("dialog", { name: "Reveal the stored response?" });
    await dialog.getByLabel(/Reason/).fill("customer says charged twice (ticket 5521)");
    await dialog.getByRole("button", { name: "Reveal" }).click();
    await expect(page.getByTestId("revealed-body")).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit log" })).toContainText(
      "customer says charged twice (ticket 5521)",
    );
  });

  test("search lists matches across clients, falls back to prefixes, and finds nothing politely", async ({
    page,
  }) => {
    const recent = await (
      await page.request.get("/api/v1/keys?limit=1", { headers: viewer })
    ).json();
    const key: string = recent.items[0].key;
    const prefix = key.slice(0, 4);
    await page.goto(`/keys?q=${encodeURIComponent(prefix)}&match=prefix`);
    await expect(page.getByTestId("key-results")).toHaveText(/\d+\+? keys?/);
    for (const cell of await page
      .getByRole("table", { name: "Keys found" })
      .locator("tbody tr td:first-child")
      .allTextContents())
      expect(cell.startsWith(prefix)).toBe(true);
    await page.screenshot({ path: "test-results/e2e/key-search.png", fullPage: true });

    // "bf": every key of the demo's 30-day backfill (tens of thousands, a few events each), the
    // prefix that showed one key per page before: the page is full. (A page may hold fewer
    // when the matching keys have many events each: the window that finds purged keys counts
    // 2,000 event rows; the cursor continues after it.)
    const api = await (
      await page.request.get("/api/v1/keys?prefix=bf&limit=50", { headers: viewer })
    ).json();
    expect(api.items).toHaveLength(50);
    expect(api.nextCursor).not.toBeNull();
    await page.goto("/keys?q=bf&match=prefix");
    await expect(page.getByRole("table", { name: "Keys found" }).locator("tbody tr")).toHaveCount(
      50,
    );

    await page.goto(`/keys?key=${encodeURIComponent(prefix)}`);
    await expect(page.getByText(`No key is exactly “${prefix}”.`)).toBeVisible();
    await page.goto(`/keys?key=${encodeURIComponent("no such key %_'\" 🚀")}`);
    await expect(page.getByTestId("key-results")).toHaveText("No key matches.");
    await page.goto(`/keys?key=${"x".repeat(300)}`);
    await expect(page.getByRole("alert").filter({ hasText: "Cannot load" })).toContainText(
      "longer than 255 characters",
    );
  });
});

test.describe("GET /api/v1/keys and /api/v1/keys/{id}", () => {
  test("answers 400 with a message for bad input, 404 for unknown keys", async ({ request }) => {
    for (const query of [
      "key=a&prefix=a",
      "status=purged",
      "status=lost",
      "from=yesterday",
      "from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z",
      `key=${"k".repeat(256)}`,
      "key=",
      "key=%00",
      "limit=0",
      "cursor=abc",
    ]) {
      const res = await request.get(`/api/v1/keys?${query}`, { headers: viewer });
      expect(res.status(), query).toBe(400);
      expect((await res.json()).message.length, query).toBeGreaterThan(5);
    }
    expect((await request.get("/api/v1/keys/abc", { headers: viewer })).status()).toBe(400);
    expect((await request.get("/api/v1/keys/987654321987", { headers: viewer })).status()).toBe(
      404,
    );
    expect(
      (await request.get("/api/v1/keys/lookup?scope=a&endpoint=b", { headers: viewer })).status(),
    ).toBe(400);
    expect(
      (
        await request.get("/api/v1/keys/lookup?scope=a&endpoint=b&key=c", { headers: viewer })
      ).status(),
    ).toBe(404);
  });

  test("the stored response is never in the lifecycle; revealing needs the operator role", async ({
    request,
  }) => {
    const recent = await (
      await request.get("/api/v1/keys?status=completed&limit=1", { headers: viewer })
    ).json();
    const id: string = recent.items[0].id;
    const life = await (await request.get(`/api/v1/keys/${id}`, { headers: viewer })).json();
    expect(life.key.response).toEqual({
      approxBytes: expect.any(Number),
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(life)).not.toContain("response_body");
    const denied = await request.post(`/api/v1/keys/${id}/reveal`, {
      headers: viewer,
      data: { reason: "x" },
    });
    expect(denied.status()).toBe(403);
    expect((await request.get(`/api/v1/keys/${id}/reveal`, { headers: viewer })).status()).toBe(
      405,
    );
    const ok = await request.post(`/api/v1/keys/${id}/reveal`, {
      headers: { authorization: `Bearer ${E2E_AUTH.operatorToken}` },
      data: { reason: "e2e reveal" },
    });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).auditId).toMatch(/^\d+$/);
  });
});
