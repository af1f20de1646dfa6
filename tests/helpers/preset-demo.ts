// `npm run demo -- --prod --preset …` for an end-to-end spec of its own (its port, its data
// directory): started, awaited until the dashboard answers and the demo printed what the spec
// needs (each pattern's first group), and stopped with Ctrl-C.
import type { ChildProcess } from "node:child_process";
import { spawnTsx } from "../../scripts/support/spawn-tsx";

export type PresetDemo = { found: string[]; stop: () => Promise<void> };

export async function startPresetDemo(o: {
  port: number;
  dataDir: string;
  args: string[];
  /** patterns of the demo's output to wait for; their first groups come back in `found` */
  waitFor: RegExp[];
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<PresetDemo> {
  const demo: ChildProcess = spawnTsx(
    "scripts/demo.ts",
    ["--prod", ...o.args, "--port", String(o.port), "--data-dir", o.dataDir, "--reset"],
    {
      env: { ...process.env, DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1", ...o.env },
      stdio: "pipe",
    },
  );
  let out = "";
  demo.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  demo.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const stop = async () => {
    demo.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 2000));
  };
  const deadline = Date.now() + (o.timeoutMs ?? 150_000);
  while (Date.now() < deadline) {
    const found = o.waitFor.map((re) => re.exec(out)?.[1]);
    const ok = await fetch(`http://127.0.0.1:${o.port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok && found.every((f) => f !== undefined)) return { found: found as string[], stop };
    if (demo.exitCode !== null) throw new Error(`the demo exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the demo did not start in time:\n${out}`);
}
