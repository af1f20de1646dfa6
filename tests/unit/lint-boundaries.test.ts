// The architecture's boundaries are enforced by the linter (part of `npm test` and CI): a client
// component cannot import the data layer, and nothing outside lib/ (tests aside) imports pg.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe("lint boundaries", () => {
  it("refuses a client component that imports the data layer, pg or server-only", async () => {
    for (const source of [
      "@/lib/query/store/overview",
      "@/lib/db",
      "../lib/act/stuck-actions",
      "pg",
      "server-only",
    ]) {
      const code = `"use client";\nimport { x } from "${source}";\nexport const y = x;\n`;
      expect(await ruleIds(code, "components/Fake.tsx"), source).toContain(
        "idemscope/no-server-import-in-client",
      );
    }
  });

  it("lets a client component import types, formatting and the API fetchers", async () => {
    const code = `"use client";
import type { OverviewResponse } from "@/lib/client/api-types/overview";
import type { Pool } from "pg";
import { formatCount } from "@/lib/client/format";
import { fetchJson } from "@/lib/client/queries/fetch-json";
export const y: [OverviewResponse | null, Pool | null, unknown, unknown] = [null, null, formatCount, fetchJson];
`;
    expect(await ruleIds(code, "components/Fake.tsx")).toEqual([]);
  });

  it("lets a server page import the data layer", async () => {
    const code = `import { getPool } from "@/lib/db/pools";\nexport const y = getPool;\n`;
    expect(await ruleIds(code, "app/(dashboard)/fake/page.tsx")).toEqual([]);
  });

  it("refuses pg outside lib/ (type imports aside), and allows it in lib/", async () => {
    const code = `import { Pool } from "pg";\nexport const p = new Pool();\n`;
    expect(await ruleIds(code, "app/api/fake/route.ts")).toContain("no-restricted-imports");
    expect(await ruleIds(code, "scripts/fake.ts")).toContain("no-restricted-imports");
    expect(await ruleIds(code, "lib/fake.ts")).toEqual([]);
  });
});
