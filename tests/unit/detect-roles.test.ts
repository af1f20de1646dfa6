// --detect's recognition on table facts (no database): state words, the key's namespace, and what
// the proposal asks. The five real layouts run end to end in tests/integration/sources/detect.test.ts.
import { describe, expect, it } from "vitest";
import { recognizeRoles, statusKind } from "../../lib/ingest/sources/detect/column-roles";
import { proposePreset } from "../../lib/ingest/sources/detect/propose-preset";
import type { ColumnFacts, TableFacts } from "../../lib/ingest/sources/detect/table-facts";

const col = (name: string, type: string, o: Partial<ColumnFacts> = {}): ColumnFacts => ({
  name,
  type,
  notNull: true,
  allowed: null,
  seen: [],
  ...o,
});

const table = (columns: ColumnFacts[], keys: { pk?: string[]; unique?: string[][] } = {}) =>
  ({
    schema: "app",
    name: "idempotency_records",
    columns,
    primaryKey: keys.pk ?? [],
    uniqueKeys: [...(keys.pk ? [keys.pk] : []), ...(keys.unique ?? [])],
    estimatedRows: 0,
    sampled: 3,
  }) satisfies TableFacts;

describe("statusKind", () => {
  it("reads a state by its words, in any case or spelling", () => {
    expect(["IN_PROGRESS", "processing", "Pending", "in-flight"].map(statusKind)).toEqual([
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
    ]);
    expect(["SUCCEEDED", "done", "complete", "Completed"].map(statusKind)).toEqual(
      Array(4).fill("completed"),
    );
    expect(["FAILED", "errored", "cancelled", "timed_out"].map(statusKind)).toEqual(
      Array(4).fill("failed"),
    );
    expect(statusKind("EXPIRED")).toBeNull();
  });
});

describe("recognizeRoles", () => {
  it("takes the caller from the key's unique key, but never a time (a partition column)", () => {
    const partitioned = table(
      [col("key", "text"), col("created_at", "timestamp with time zone"), col("tenant_id", "uuid")],
      { pk: ["key", "created_at"] },
    );
    const roles = recognizeRoles(partitioned);
    expect(roles.createdAt?.columns.map((c) => c.name)).toEqual(["created_at"]);
    // not the partition column: the tenant, by its name
    expect(roles.scope?.columns.map((c) => c.name)).toEqual(["tenant_id"]);
  });

  it("reads an integer named status as the response code", () => {
    const roles = recognizeRoles(table([col("idem_key", "text"), col("status", "integer")]));
    expect(roles.responseCode?.columns[0]?.name).toBe("status");
    expect(roles.status).toBeUndefined();
  });
});

describe("proposePreset", () => {
  const records = table(
    [
      col("idem_key", "character varying"),
      col("account_id", "bigint"),
      col("state", "text", { seen: ["done", "ARCHIVED"] }),
      col("http_status", "integer", { notNull: false }),
      col("created", "timestamp without time zone"),
      col("updated", "timestamp without time zone"),
    ],
    { unique: [["account_id", "idem_key"]] },
  );
  const p = proposePreset(records);

  it("reads states the sample did not hold by their words, in SQL", () => {
    expect(p.preset.derive.status).toContain("inprogress|processing");
    expect(p.preset.derive.status).toContain("failed|failure");
    expect(p.questions.join("\n")).toMatch(/state holds 'ARCHIVED', read as completed/);
  });

  it("asks once about the timestamps without a zone, and names what it could not map first", () => {
    expect(p.questions[0]).toBe(
      "created, updated are timestamps without time zone, read as UTC. If the service writes local time, change AT TIME ZONE 'UTC' in the derivations.",
    );
    expect(p.preset.notes[1]).toMatch(/^Not mapped: path .*expiresAt .*lockedAt/);
    expect(p.preset.derive.scope).toBe(`coalesce(r."account_id"::text, '?')`);
    expect(p.usable).toBe(true);
  });

  it("is not usable without a key column", () => {
    expect(
      proposePreset(table([col("id", "bigint"), col("created_at", "timestamp with time zone")]))
        .usable,
    ).toBe(false);
  });
});
