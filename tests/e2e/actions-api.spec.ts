// Every status code of the action routes (docs/api.md), against the running demo.
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

const operator = { authorization: `Bearer ${E2E_AUTH.operatorToken}` };
const viewer = { authorization: `Bearer ${E2E_AUTH.viewerToken}` };

/** Ids of the oldest stuck keys (at least one: the demo always has some). */
async function stuckIds(request: APIRequestContext, limit: number): Promise<string[]> {
  const res = await request.get(`/api/v1/stuck?limit=${limit}`, { headers: viewer });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { items: { id: string }[] };
  expect(body.items.length).toBeGreaterThan(0);
  return body.items.map((i) => i.id);
}

test.describe("POST /api/v1/keys/{id}/release and /fail", () => {
  test("200 with the key, then 409 not_stuck; 404 and 400 for bad ids", async ({ request }) => {
    const [id] = await stuckIds(request, 1);
    const ok = await request.post(`/api/v1/keys/${id}/release`, {
      headers: operator,
      data: { reason: "e2e: release via token" },
    });
    expect(ok.status()).toBe(200);
    const body = await ok.json();
    expect(body.key).toMatchObject({ id, status: "in_progress", lockedAt: null, lockOwner: null });
    expect(body.auditId).toMatch(/^\d+$/);

    const again = await request.post(`/api/v1/keys/${id}/fail`, {
      headers: operator,
      data: { reason: "e2e: too late" },
    });
    expect(again.status()).toBe(409);
    expect(await again.json()).toMatchObject({ error: "not_stuck" });

    const missing = await request.post(`/api/v1/keys/999999999999/release`, {
      headers: operator,
      data: { reason: "e2e" },
    });
    expect(missing.status()).toBe(404);
    expect((await missing.json()).message).toContain("999999999999");
    // a library's key ids are hashes, negative as often as not: -1 is an id, just not a key here
    const negative = await request.post(`/api/v1/keys/-1/release`, {
      headers: operator,
      data: { reason: "e2e" },
    });
    expect(negative.status()).toBe(404);
    for (const bad of ["abc", "1.5", "-0", "007", "99999999999999999999"]) {
      const res = await request.post(`/api/v1/keys/${bad}/release`, {
        headers: operator,
        data: { reason: "e2e" },
      });
      expect(res.status(), bad).toBe(400);
    }

    const audit = await (
      await request.get(`/api/v1/audit?keyId=${id}`, { headers: viewer })
    ).json();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: "token:pager",
      authMethod: "token",
      action: "release",
      reason: "e2e: release via token",
    });
  });

  test("400 for a missing, empty or over-long reason, bad JSON or extra fields; 415; 413", async ({
    request,
  }) => {
    const [id] = await stuckIds(request, 1);
    const url = `/api/v1/keys/${id}/release`;
    for (const data of [
      {},
      { reason: "" },
      { reason: "   " },
      { reason: "x".repeat(501) },
      { reason: 5 },
      { reason: "ok", actor: "someone-else" },
    ]) {
      const res = await request.post(url, { headers: operator, data });
      expect(res.status(), JSON.stringify(data).slice(0, 40)).toBe(400);
      expect((await res.json()).message.length).toBeGreaterThan(5);
    }
    const notJson = await request.post(url, {
      headers: { ...operator, "content-type": "application/json" },
      data: "{reason:",
    });
    expect(notJson.status()).toBe(400);
    const form = await request.post(url, { headers: operator, form: { reason: "x" } });
    expect(form.status()).toBe(415);
    const huge = await request.post(url, {
      headers: operator,
      data: { reason: "x", pad: "y".repeat(20_000) },
    });
    expect(huge.status()).toBe(413);
    // none of this touched the key
    expect((await stuckIds(request, 50)).includes(id!)).toBe(true);
  });

  test("401 for a bad token, 403 for a viewer, 405 for GET", async ({ request }) => {
    const [id] = await stuckIds(request, 1);
    const bad = await request.post(`/api/v1/keys/${id}/release`, {
      headers: { authorization: "Bearer not-a-token" },
      data: { reason: "x" },
    });
    expect(bad.status()).toBe(401);
    const denied = await request.post(`/api/v1/keys/${id}/fail`, {
      headers: viewer,
      data: { reason: "x" },
    });
    expect(denied.status()).toBe(403);
    expect(await denied.json()).toMatchObject({ error: "forbidden" });
    const get = await request.get(`/api/v1/keys/${id}/release`, { headers: operator });
    expect(get.status()).toBe(405);
    expect(get.headers()["allow"]).toBe("POST");
    expect((await stuckIds(request, 50)).includes(id!)).toBe(true);
  });

  test("browser-borne credentials need the app's own Origin; spoofed proxy headers are ignored", async ({
    request,
    baseURL,
  }) => {
    const [id] = await stuckIds(request, 1);
    const url = `/api/v1/keys/${id}/release`;
    // the demo's anonymous operator (loopback) is an ambient credential
    for (const origin of [undefined, "null", "https://evil.example", "http://127.0.0.1:1"]) {
      const res = await request.post(url, {
        headers: origin ? { origin } : {},
        data: { reason: "csrf" },
      });
      expect(res.status(), String(origin)).toBe(403);
      expect((await res.json()).error).toBe("cross_origin");
    }
    expect((await stuckIds(request, 50)).includes(id!)).toBe(true);
    // X-Forwarded-User without the proxy's secret is not believed: the actor stays anonymous
    const res = await request.post(url, {
      headers: { origin: baseURL!, "x-forwarded-user": "mallory", "x-forwarded-groups": "oncall" },
      data: { reason: "spoof attempt" },
    });
    expect(res.status()).toBe(200);
    const audit = await (
      await request.get(`/api/v1/audit?keyId=${id}`, { headers: viewer })
    ).json();
    expect(audit.items[0]).toMatchObject({ actor: "anonymous", authMethod: "anonymous" });
  });
});

test.describe("POST /api/v1/stuck/bulk", () => {
  test("dry run counts, a filter matching nothing is matched 0, bad bodies are 400", async ({
    request,
  }) => {
    const preview = await request.post("/api/v1/stuck/bulk", {
      headers: operator,
      data: { action: "release", filter: {}, reason: "preview", dryRun: true },
    });
    expect(preview.status()).toBe(200);
    const p = await preview.json();
    expect(p).toMatchObject({ dryRun: true, changed: 0, cap: 1000 });
    expect(p.matched).toBeGreaterThan(0);
    const none = await request.post("/api/v1/stuck/bulk", {
      headers: operator,
      data: { action: "fail", filter: { endpoint: "POST /v1/none" }, reason: "nothing" },
    });
    expect(await none.json()).toMatchObject({ matched: 0, changed: 0 });
    for (const data of [
      { action: "delete", filter: {}, reason: "x" },
      { action: "release", filter: { minAgeSeconds: -5 }, reason: "x" },
      { action: "release", filter: { colour: "red" }, reason: "x" },
      { action: "release", filter: {} },
      { action: "release", filter: {}, reason: "x", dryRun: "yes" },
    ]) {
      const res = await request.post("/api/v1/stuck/bulk", { headers: operator, data });
      expect(res.status(), JSON.stringify(data)).toBe(400);
    }
    const denied = await request.post("/api/v1/stuck/bulk", {
      headers: viewer,
      data: { action: "release", filter: {}, reason: "x", dryRun: true },
    });
    expect(denied.status()).toBe(403);
    expect((await request.get("/api/v1/stuck/bulk")).status()).toBe(405);
  });
});

test.describe("GET /api/v1/audit", () => {
  test("pages with cursors and rejects bad parameters", async ({ request }) => {
    const first = await (await request.get("/api/v1/audit?limit=1")).json();
    expect(first.items).toHaveLength(1);
    expect(Object.keys(first.items[0])).toEqual(
      expect.arrayContaining(["at", "actor", "action", "keyId", "reason", "before", "after"]),
    );
    if (first.nextCursor) {
      const second = await (
        await request.get(`/api/v1/audit?limit=1&cursor=${first.nextCursor}`)
      ).json();
      expect(second.items[0].id).not.toBe(first.items[0].id);
    }
    for (const q of ["limit=0", "cursor=zzz", "keyId=abc", "action=delete", "batchId=1"]) {
      expect((await request.get(`/api/v1/audit?${q}`)).status(), q).toBe(400);
    }
  });
});
