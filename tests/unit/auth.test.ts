// Identity resolution and the origin check: every source of identity and every way to fake one.
import { describe, expect, it } from "vitest";
import { parseAuthConfig } from "../../lib/core/auth-config";
import { writeAccess } from "../../lib/auth/authorize";
import { resolveIdentity, secretsEqual, type RequestFacts } from "../../lib/auth/identity";
import { hostAllowed, hostCheckApplies } from "../../lib/auth/host";
import { assertSameOrigin } from "../../lib/auth/origin";
import { repeatedIdentityHeaders } from "../../lib/auth/proxy-headers";
import { isLoopback, verifiedPeer } from "../../lib/auth/peer";
import { errorResponse } from "../../lib/edge/http/errors";

const SECRET = "proxy-secret-0123456789";
const TOKENS =
  "ci-bot:viewer:viewer-secret-0123456789,pager:operator:operator-secret-012345:with:colons";

function facts(headers: Record<string, string>, peer: string | null = "10.0.0.5"): RequestFacts {
  const h = new Headers(headers);
  return { headers: h, peer };
}

/** What the API answers for the error `fn` throws. */
function thrown(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (err) {
    const { status, body } = errorResponse(err);
    return { status, code: body.error };
  }
  throw new Error("expected a throw");
}

const production = parseAuthConfig(
  {
    IDEMSCOPE_TOKENS: TOKENS,
    IDEMSCOPE_AUTH_PROXY_ADDRESSES: "10.0.0.0/24, fd00::1",
    IDEMSCOPE_AUTH_GROUP_ROLES: "sre=operator,eng=viewer,org:payments=operator",
    IDEMSCOPE_AUTH_DEFAULT_ROLE: "none",
  },
  false,
);

describe("bearer tokens", () => {
  it("map to their role; a wrong or malformed token is 401, never a fallback", () => {
    expect(
      resolveIdentity(facts({ authorization: "Bearer viewer-secret-0123456789" }), production),
    ).toMatchObject({
      name: "token:ci-bot",
      role: "viewer",
      method: "token",
      ambient: false,
    });
    expect(
      resolveIdentity(
        facts({ authorization: "bearer operator-secret-012345:with:colons" }),
        production,
      )?.role,
    ).toBe("operator");
    expect(
      thrown(() => resolveIdentity(facts({ authorization: "Bearer nope" }), production)).status,
    ).toBe(401);
    expect(
      thrown(() => resolveIdentity(facts({ authorization: "Basic abc" }), production)).status,
    ).toBe(401);
  });

  it("are compared in constant time over equal-length digests", () => {
    expect(secretsEqual("a", "a")).toBe(true);
    expect(secretsEqual("a", "a ")).toBe(false);
    expect(secretsEqual("", "x".repeat(1000))).toBe(false);
  });
});

describe("trusted proxy headers", () => {
  const sso = { "x-forwarded-user": "olga", "x-forwarded-email": "olga@example.com" };

  it("are believed only from configured proxy addresses, with group → role mapping", () => {
    expect(
      resolveIdentity(facts({ ...sso, "x-forwarded-groups": "eng,sre" }), production),
    ).toMatchObject({
      name: "olga",
      email: "olga@example.com",
      role: "operator",
      method: "proxy",
      ambient: true,
    });
    expect(
      resolveIdentity(
        facts({ ...sso, "x-forwarded-groups": "org:payments" }, "fd00::1"),
        production,
      )?.role,
    ).toBe("operator");
    expect(resolveIdentity(facts({ ...sso, "x-forwarded-groups": "eng" }), production)?.role).toBe(
      "viewer",
    );
  });

  it("are ignored from any other address (and without a verified peer)", () => {
    // auth is configured, so without a believable identity there is none at all
    expect(
      resolveIdentity(facts({ ...sso, "x-forwarded-groups": "sre" }, "10.0.1.5"), production),
    ).toBeNull();
    expect(
      resolveIdentity(facts({ ...sso, "x-forwarded-groups": "sre" }, null), production),
    ).toBeNull();
  });

  it("refuse a user none of whose groups has a role when the default role is none", () => {
    const err = thrown(() =>
      resolveIdentity(facts({ ...sso, "x-forwarded-groups": "sales" }), production),
    );
    expect(err.status).toBe(403);
  });

  it("can be trusted through a shared secret instead of addresses", () => {
    const bySecret = parseAuthConfig(
      { IDEMSCOPE_AUTH_PROXY_SECRET: SECRET, IDEMSCOPE_AUTH_GROUP_ROLES: "sre=operator" },
      false,
    );
    expect(
      resolveIdentity(
        facts({ ...sso, "x-idemscope-proxy-secret": SECRET, "x-forwarded-groups": "sre" }, null),
        bySecret,
      )?.role,
    ).toBe("operator");
    // no or wrong secret: ignored
    expect(
      resolveIdentity(facts({ ...sso, "x-forwarded-groups": "sre" }, null), bySecret),
    ).toBeNull();
    expect(
      resolveIdentity(
        facts({ ...sso, "x-idemscope-proxy-secret": "wrong", "x-forwarded-groups": "sre" }),
        bySecret,
      ),
    ).toBeNull();
    // default role viewer for a user without mapped groups
    expect(
      resolveIdentity(facts({ ...sso, "x-idemscope-proxy-secret": SECRET }, null), bySecret)?.role,
    ).toBe("viewer");
  });
});

describe("anonymous access", () => {
  it("no auth configured outside the demo: everyone is a read-only viewer", () => {
    const none = parseAuthConfig({}, false);
    const who = resolveIdentity(facts({}), none);
    expect(who).toMatchObject({ name: "anonymous", role: "viewer" });
    expect(writeAccess(who, none).allowed).toBe(false);
  });

  it("the demo's anonymous operator is for loopback callers only", () => {
    const demo = parseAuthConfig({}, true);
    const local = { host: "127.0.0.1:3400" };
    expect(resolveIdentity(facts(local, "127.0.0.1"), demo)?.role).toBe("operator");
    expect(resolveIdentity(facts({ host: "localhost:3400" }, "::1"), demo)?.role).toBe("operator");
    expect(resolveIdentity(facts({ host: "[::1]:3400" }, "::1"), demo)?.role).toBe("operator");
    expect(resolveIdentity(facts(local, "192.168.1.20"), demo)?.role).toBe("viewer");
    expect(resolveIdentity(facts(local, null), demo)?.role).toBe("viewer");
  });

  it("is not the loopback operator through DNS rebinding, a forwarder or a tunnel", () => {
    const demo = parseAuthConfig({}, true);
    for (const host of [
      "rebind.evil.example:3400", // DNS rebinding: the attacker's name resolving to 127.0.0.1
      "127.0.0.1.nip.io:3400",
      "192.168.1.20:8080", // a same-host forwarder on another interface
      "abc123.ngrok.example", // a tunnel
      "localhost.evil.example:3400",
      "",
    ]) {
      const who = resolveIdentity(facts(host ? { host } : {}, "127.0.0.1"), demo);
      expect(who?.role, host).toBe("viewer");
    }
    // a name the user configured is trusted like loopback
    const named = parseAuthConfig({ IDEMSCOPE_ORIGIN: "http://devbox.internal:3400" }, true);
    expect(resolveIdentity(facts({ host: "devbox.internal:3400" }, "127.0.0.1"), named)?.role).toBe(
      "operator",
    );
  });

  it("answers only to loopback Host names on its own port where loopback is trusted", () => {
    const demo = parseAuthConfig({}, true);
    expect(hostCheckApplies(demo)).toBe(true);
    expect(hostCheckApplies(parseAuthConfig({}, false))).toBe(false);
    for (const ok of ["127.0.0.1:3400", "localhost:3400", "LOCALHOST:3400", "[::1]:3400"])
      expect(hostAllowed(ok, demo, 3400), ok).toBe(true);
    for (const bad of [
      "rebind.evil.example:3400",
      "127.0.0.1:3401",
      "127.0.0.1",
      "localhost:3400@evil",
      "10.0.0.1:3400",
      null,
    ])
      expect(hostAllowed(bad, demo, 3400), String(bad)).toBe(false);
    expect(hostAllowed("127.0.0.1", demo, 80)).toBe(true);
  });

  it("anonymous operator is refused outside the demo; bad settings fail with a clear message", () => {
    expect(() => parseAuthConfig({ IDEMSCOPE_ANONYMOUS_ROLE: "operator" }, false)).toThrow(
      /only allowed in the local demo/,
    );
    expect(() =>
      parseAuthConfig({ IDEMSCOPE_TOKENS: "bot:admin:0123456789abcdef" }, false),
    ).toThrow(/viewer\|operator/);
    expect(() => parseAuthConfig({ IDEMSCOPE_TOKENS: "bot:viewer:short" }, false)).toThrow(
      /16 characters/,
    );
    expect(() => parseAuthConfig({ IDEMSCOPE_AUTH_PROXY_ADDRESSES: "proxy.local" }, false)).toThrow(
      /not an IP/,
    );
    expect(() => parseAuthConfig({ IDEMSCOPE_AUTH_GROUP_ROLES: "sre" }, false)).toThrow(/GROUP=/);
    expect(() => parseAuthConfig({ IDEMSCOPE_AUTH_PROXY_SECRET: "short" }, false)).toThrow(/16/);
  });

  it("read-only mode refuses every write, operators included", () => {
    const ro = parseAuthConfig({ IDEMSCOPE_READ_ONLY: "1" }, true);
    const who = resolveIdentity(facts({ host: "127.0.0.1:3000" }, "127.0.0.1"), ro);
    expect(who?.role).toBe("operator");
    expect(writeAccess(who, ro)).toMatchObject({ allowed: false, code: "read_only" });
  });
});

describe("identity headers from the proxy", () => {
  it("are refused when repeated (a proxy that appends to a client-sent header)", () => {
    expect(
      repeatedIdentityHeaders([
        "X-Forwarded-Groups",
        "oncall",
        "X-Forwarded-User",
        "mallory",
        "x-forwarded-groups",
        "eng",
      ]),
    ).toEqual(["x-forwarded-groups"]);
    expect(
      repeatedIdentityHeaders(["X-Forwarded-User", "a", "X-Forwarded-Groups", "eng, sre"]),
    ).toEqual([]);
    expect(repeatedIdentityHeaders(["Accept", "a", "accept", "b"])).toEqual([]);
  });
});

describe("origin check", () => {
  const auth = parseAuthConfig({}, true);
  const check =
    (headers: Record<string, string>, a = auth) =>
    () =>
      assertSameOrigin(new Headers(headers), a);

  it("accepts the app's own origin only", () => {
    expect(check({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" })).not.toThrow();
    for (const origin of ["https://evil.example", "http://127.0.0.1:3001", "null"]) {
      expect(thrown(check({ origin, host: "127.0.0.1:3000" })).status).toBe(403);
    }
    expect(thrown(check({ host: "127.0.0.1:3000" })).code).toBe("cross_origin");
  });

  it("uses IDEMSCOPE_ORIGIN when configured (behind a proxy that rewrites Host)", () => {
    const pinned = parseAuthConfig({ IDEMSCOPE_ORIGIN: "https://idemscope.example.com/" }, false);
    expect(
      check({ origin: "https://idemscope.example.com", host: "10.0.0.9:3000" }, pinned),
    ).not.toThrow();
    expect(
      thrown(check({ origin: "http://10.0.0.9:3000", host: "10.0.0.9:3000" }, pinned)).status,
    ).toBe(403);
  });
});

describe("peer address", () => {
  it("is believed only with this process's token", () => {
    const env = { IDEMSCOPE_PEER_TOKEN: "tok" };
    const h = (v: Record<string, string>) => new Headers(v);
    expect(
      verifiedPeer(
        h({ "x-idemscope-peer": "::ffff:127.0.0.1", "x-idemscope-peer-token": "tok" }),
        env,
      ),
    ).toBe("127.0.0.1");
    expect(
      verifiedPeer(h({ "x-idemscope-peer": "127.0.0.1", "x-idemscope-peer-token": "forged" }), env),
    ).toBeNull();
    expect(verifiedPeer(h({ "x-idemscope-peer": "127.0.0.1" }), {})).toBeNull();
    expect(isLoopback("127.0.0.2")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
  });
});
