// Runs one of scripts/*.ts the way npm does (tsx, react-server condition) and collects output.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export function spawnScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.VITEST; // behave as a user's run
  if (!("DATABASE_URL" in env)) delete childEnv.DATABASE_URL;
  return spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", script), ...args],
    {
      cwd: root,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

export type ScriptResult = { code: number | null; stdout: string; stderr: string };

export function collect(child: ChildProcess): {
  result: Promise<ScriptResult>;
  output: () => string;
} {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const result = new Promise<ScriptResult>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { result, output: () => stdout };
}

export async function waitForOutput(
  output: () => string,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = output().match(pattern);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern} in:\n${output()}`);
}

/** One run of `npm run connect` with its own idemscope schema (`own`) and store schema. */
export function runConnect(
  databaseUrl: string,
  schemas: { own: string; store: string },
  args: string[],
): Promise<ScriptResult> {
  return collect(
    spawnScript("connect.ts", args, {
      DATABASE_URL: databaseUrl,
      IDEMSCOPE_SCHEMA: schemas.own,
      IDEMSCOPE_STORE_SCHEMA: schemas.store,
      LOG_LEVEL: "silent",
    }),
  ).result;
}

/** `npm run collector` on a test store's schemas, in a process of its own that a test can kill. */
export function startCollectorProcess(
  databaseUrl: string,
  layout: { idemscopeSchema: string; storeSchema: string },
) {
  const child = spawnScript("collector.ts", [], {
    DATABASE_URL: databaseUrl,
    IDEMSCOPE_SCHEMA: layout.idemscopeSchema,
    IDEMSCOPE_STORE_SCHEMA: layout.storeSchema,
    LOG_LEVEL: "silent",
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  /** as a crash does: SIGKILL, then wait until it is gone */
  return { kill: async () => (child.kill("SIGKILL"), await exited), exited };
}
