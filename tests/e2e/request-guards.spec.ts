// What scripts/serve.ts refuses before the app runs. DNS rebinding and forwarders against the
// demo's loopback operator: a request that reaches the demo from 127.0.0.1 but names another host
// (Host and Origin both the attacker's) is refused with 421; the same request naming 127.0.0.1 is
// the operator. And identity headers a proxy appended to instead of replacing.
import http from "node:http";
import net from "node:net";
import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

type Answer = { status: number; body: string };

function raw(
  baseURL: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const url = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A request written by hand, so that a header can appear twice as a proxy that appends sends it. */
function rawRequest(baseURL: string, requestLine: string, headers: string[]): Promise<string> {
  const url = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(
        `${requestLine} HTTP/1.1\r\n${headers.join("\r\n")}\r\nConnection: close\r\n\r\n`,
      );
    });
    let text = "";
    socket.on("data", (c: Buffer) => (text += c.toString()));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

test("a rebound or forwarded Host is refused with 421; loopback names are the local operator", async ({
  request,
  baseURL,
}) => {
  const port = new URL(baseURL!).port;
  const viewer = { authorization: `Bearer ${E2E_AUTH.viewerToken}` };
  const live = await (
    await request.get("/api/v1/keys?status=completed&limit=1", { headers: viewer })
  ).json();
  const id: string = live.items[0].id;
  const auditOf = async () =>
    (await (await request.get(`/api/v1/keys/${id}`, { headers: viewer })).json()).audit.length;
  const auditBefore = await auditOf();

  for (const host of [
    `rebind.evil.example:${port}`,
    `192.0.2.7:8080`,
    `localhost.evil.example:${port}`,
  ]) {
    const origin = `http://${host}`;
    const page = await raw(baseURL!, "GET", "/", { host });
    expect(page.status, host).toBe(421);
    expect(page.body).toContain("answers only to localhost, 127.0.0.1 or [::1]");
    const me = await raw(baseURL!, "GET", "/api/v1/me", { host, origin });
    expect(me.status, host).toBe(421);
    const reveal = await raw(
      baseURL!,
      "POST",
      `/api/v1/keys/${id}/reveal`,
      { host, origin, "content-type": "application/json" },
      JSON.stringify({ reason: "rebinding" }),
    );
    expect(reveal.status, host).toBe(421);
    expect(reveal.body).toContain("IDEMSCOPE_ORIGIN");
  }
  // nothing was revealed or audited by those
  expect(await auditOf()).toBe(auditBefore);

  // the local user, by name or address, on the demo's port
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    const me = await raw(baseURL!, "GET", "/api/v1/me", { host });
    expect(me.status, host).toBe(200);
    expect(JSON.parse(me.body).identity.role, host).toBe("operator");
  }
  // the right name on another port (a forwarder listening elsewhere) is refused too
  expect((await raw(baseURL!, "GET", "/api/v1/me", { host: "127.0.0.1:1" })).status).toBe(421);
});

test("a client-sent group the proxy appends to is not believed: repeated identity headers are refused", async ({
  baseURL,
}) => {
  const port = new URL(baseURL!).port;
  const proxy = { host: `127.0.0.1:${port}`, "x-idemscope-proxy-secret": E2E_AUTH.proxySecret };
  // the proxy's own headers alone: an SSO viewer ("eng" maps to viewer)
  const single = await raw(baseURL!, "GET", "/api/v1/me", {
    ...proxy,
    "x-forwarded-user": "mallory",
    "x-forwarded-groups": "eng",
  });
  expect(single.status).toBe(200);
  expect(JSON.parse(single.body).identity).toMatchObject({ name: "mallory", role: "viewer" });
  // the client's own X-Forwarded-Groups: oncall, then the proxy's appended line
  const rawHeaders = [
    `Host: 127.0.0.1:${port}`,
    `X-Idemscope-Proxy-Secret: ${E2E_AUTH.proxySecret}`,
    "X-Forwarded-Groups: oncall",
    "X-Forwarded-User: mallory",
    "X-Forwarded-Groups: eng",
  ];
  const appended = await rawRequest(baseURL!, "GET /api/v1/me", rawHeaders);
  expect(appended).toMatch(/^HTTP\/1\.1 400 /);
  expect(appended).toContain("x-forwarded-groups sent more than once");
  expect(appended).not.toContain('"operator"');
});
