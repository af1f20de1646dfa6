// Security headers on real responses of the production build, and a Content-Security-Policy
// strict enough (no 'unsafe-eval', no framing, forms only to itself) that every page still works
// under it: the browser reports no violation on any page.
import { expect, test } from "../helpers/e2e-test";

const PAGES = ["/", "/stuck", "/keys", "/clients", "/trends", "/store", "/audit"];

test("pages, API and metrics carry the security headers, and no cookie is set", async ({
  request,
}) => {
  for (const url of [...PAGES, "/api/v1/overview", "/api/metrics", "/api/health", "/nope"]) {
    const res = await request.get(url);
    const h = res.headers();
    const csp = h["content-security-policy"] ?? "";
    expect(csp, url).toContain("default-src 'self'");
    expect(csp, url).toContain("frame-ancestors 'none'");
    expect(csp, url).toContain("form-action 'self'");
    expect(csp, url).toContain("object-src 'none'");
    expect(csp, url).not.toContain("unsafe-eval");
    expect(h["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
    expect(h["x-content-type-options"], url).toBe("nosniff");
    expect(h["x-frame-options"], url).toBe("DENY");
    expect(h["x-powered-by"], url).toBeUndefined();
    // no session cookie exists (identity comes from the proxy or a token on every request)
    expect(h["set-cookie"], url).toBeUndefined();
  }
});

test("every page renders under the policy without a violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Refused to load: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  for (const url of PAGES) {
    await page.goto(url);
    await expect(page.locator("h1").first()).toBeVisible();
    // charts and polling ran: something client-side drew the page's data
    await page.waitForLoadState("networkidle").catch(() => undefined);
  }
  expect(violations).toEqual([]);
});
