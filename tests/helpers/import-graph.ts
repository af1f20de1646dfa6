// The runtime imports between lib/'s modules, read from the source text: what the layers test
// checks. Type-only imports are left out (they vanish at build time and tie no module to another).
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.join(import.meta.dirname, "..", "..");
export const LIB = path.join(ROOT, "lib");

export type ImportEdge = { from: string; to: string };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

function resolveSpecifier(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")])
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return null;
}

/** Whether an import clause brings in a value: not `import type`, not `{ type A, type B }`. */
function importsValue(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword) return false;
  const named = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!named) return true;
  return named[1]!.split(",").some((s) => s.trim() !== "" && !/^type\s/.test(s.trim()));
}

const STATIC = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/g;
const BARE = /(?:^|\n)\s*import\s+"([^"]+)"/g;
const DYNAMIC = /import\("([^"]+)"\)/g;

/** Every runtime import of one lib/ module by another (paths relative to lib/). */
export function libImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(LIB)) {
    const text = fs.readFileSync(file, "utf8");
    const specs: string[] = [];
    for (const m of text.matchAll(STATIC)) if (importsValue(m[1], m[2]!)) specs.push(m[3]!);
    for (const m of text.matchAll(BARE)) specs.push(m[1]!);
    for (const m of text.matchAll(DYNAMIC)) specs.push(m[1]!);
    for (const spec of specs) {
      const target = resolveSpecifier(file, spec);
      if (target?.startsWith(LIB + path.sep))
        edges.push({ from: path.relative(LIB, file), to: path.relative(LIB, target) });
    }
  }
  return edges;
}

/** The top-level folder of a lib/ path: its layer. */
export const layerOf = (libPath: string): string => libPath.split(path.sep)[0]!;
