import { describe, expect, it } from "vitest";
import { ConfigError, lockTimeoutSeconds, parseConfig } from "../../lib/core/config";
import { tableNamesFor } from "../../lib/contract/tables";

describe("parseConfig", () => {
  it("has defaults for everything but the database", () => {
    const cfg = parseConfig({});
    expect(cfg).toMatchObject({
      databaseUrl: undefined,
      storeSchema: "public",
      keysTable: "idempotency_keys",
      eventsTable: "idempotency_events",
      idemscopeSchema: "idemscope",
      defaultLockTimeoutSeconds: 300,
      statementTimeoutMs: 5000,
      demo: false,
    });
  });

  it("reads per-endpoint lock timeouts", () => {
    const cfg = parseConfig({
      IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: "POST /v1/refunds=60, POST /v1/payments=600",
    });
    expect(lockTimeoutSeconds("POST /v1/refunds", cfg)).toBe(60);
    expect(lockTimeoutSeconds("POST /v1/payments", cfg)).toBe(600);
    expect(lockTimeoutSeconds("GET /other", cfg)).toBe(300);
  });

  it("reads the store size budget in decimal or binary units, and endpoint TTLs", () => {
    const budget = (v: string) =>
      parseConfig({ IDEMSCOPE_STORE_SIZE_BUDGET: v }).storeSizeBudgetBytes;
    expect(budget("")).toBeNull();
    expect(budget("50GiB")).toBe(50 * 2 ** 30);
    expect(budget("500 GB")).toBe(500e9);
    expect(budget("1.5tib")).toBe(1.5 * 2 ** 40);
    expect(budget("1e9")).toBe(1e9);
    for (const bad of ["lots", "-5GB", "0", "5 PB", "GiB"]) {
      expect(() => budget(bad), bad).toThrow(
        /IDEMSCOPE_STORE_SIZE_BUDGET .* is not a size such as 50GiB/,
      );
    }
    const cfg = parseConfig({ IDEMSCOPE_ENDPOINT_TTLS: "POST /v1/refunds=120" });
    expect(cfg.ttlSecondsByEndpoint.get("POST /v1/refunds")).toBe(120);
    expect(cfg.purgeGraceSeconds).toBe(900);
  });

  it("rejects bad values with a message naming the variable", () => {
    expect(() => parseConfig({ IDEMSCOPE_KEYS_TABLE: "keys; DROP TABLE x" })).toThrow(ConfigError);
    expect(() => parseConfig({ IDEMSCOPE_KEYS_TABLE: "keys; DROP TABLE x" })).toThrow(
      /IDEMSCOPE_KEYS_TABLE/,
    );
    expect(() => parseConfig({ IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: "POST /x=soon" })).toThrow(
      /ENDPOINT=SECONDS/,
    );
    expect(() => parseConfig({ IDEMSCOPE_LOCK_TIMEOUT_SECONDS: "-1" })).toThrow(ConfigError);
  });

  it("quotes configured table names", () => {
    const t = tableNamesFor({
      storeSchema: "Store",
      keysTable: "keys",
      eventsTable: "events",
      idemscopeSchema: "own",
    });
    expect(t.keys).toBe('"Store"."keys"');
    expect(t.ownTable("audit_log")).toBe('"own"."audit_log"');
  });
});
