// The series table of docs/metrics.md, read back for the tests that hold it to the real output.
import { readFileSync } from "node:fs";
import path from "node:path";

export type DocumentedSeries = { name: string; type: string; labels: string[] };

export function documentedSeries(): DocumentedSeries[] {
  const doc = readFileSync(
    path.join(import.meta.dirname, "..", "..", "docs", "metrics.md"),
    "utf8",
  );
  const series = doc.slice(doc.indexOf("## Series"), doc.indexOf("## Alert rules"));
  return [...series.matchAll(/^\| `([a-z0-9_:]+)` +\| (\w+) +\| [^|]+\| ([^|]+)\|/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    labels: m[3]!.trim() === "—" ? [] : m[3]!.split(",").map((l) => l.trim()),
  }));
}
