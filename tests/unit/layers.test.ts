// lib/'s layers import one way (ARCHITECTURE.md). This is the list of what each layer may import
// at run time; a new arrow is a decision to make here, in review, not one to slip in. The
// linter's import/no-cycle keeps modules from importing themselves back within a layer.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { LIB, layerOf, libImports } from "../helpers/import-graph";

const MAY_IMPORT: Record<string, string[]> = {
  edge: ["act", "query", "ingest", "auth", "contract", "db", "core", "client"],
  act: ["query", "ingest", "auth", "contract", "db", "core", "client"],
  query: ["fold", "ingest", "contract", "db", "core", "client"],
  fold: ["ingest", "contract", "db", "core", "client"],
  ingest: ["contract", "db", "core", "client"],
  auth: ["contract", "core"],
  contract: ["db", "core", "client"],
  db: ["core"],
  core: [],
  client: [],
};

describe("lib/ layers", () => {
  it("holds only the layers, no loose module", () => {
    const entries = fs.readdirSync(LIB, { withFileTypes: true });
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([]);
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it("imports only downward", () => {
    const edges = libImports();
    expect(edges.length).toBeGreaterThan(300);
    const wrong = edges
      .filter((e) => layerOf(e.from) !== layerOf(e.to))
      .filter((e) => !MAY_IMPORT[layerOf(e.from)]!.includes(layerOf(e.to)))
      .map((e) => `${e.from} → ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it("has no cycle between layers", () => {
    // the allowed arrows themselves must not loop: a layer never reaches back to itself
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const to of MAY_IMPORT[from]!)
        if (!seen.has(to)) {
          seen.add(to);
          reaches(to, seen);
        }
      return seen;
    };
    for (const layer of Object.keys(MAY_IMPORT))
      expect(reaches(layer).has(layer), layer).toBe(false);
  });
});
