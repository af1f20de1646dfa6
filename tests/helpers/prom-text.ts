// Reads Prometheus text exposition (format 0.0.4) into samples, for assertions on /api/metrics.
export type PromSample = { name: string; labels: Record<string, string>; value: number };

export function parseExposition(text: string): {
  samples: PromSample[];
  types: Map<string, string>;
} {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const raw = m[3]!;
    samples.push({
      name: m[1]!,
      labels,
      value: raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw),
    });
  }
  return { samples, types };
}

/** The one sample of `name` whose labels include `labels`; throws when absent or ambiguous. */
export function sampleValue(
  samples: PromSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const hits = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length !== 1)
    throw new Error(`${hits.length} samples of ${name} ${JSON.stringify(labels)}`);
  return hits[0]!.value;
}
