// The production app the bench times over HTTP (no shared cache, no collector of its own).
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureNextBuild } from "../support/next-build";
import { log, ROOT } from "./context";

export async function startServer(databaseUrl: string, port: number): Promise<() => void> {
  await ensureNextBuild(ROOT, log);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/next/dist/bin/next"),
      "start",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: ROOT,
      stdio: "ignore",
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        IDEMSCOPE_CACHE_TTL_MS: "0",
        IDEMSCOPE_COLLECTOR: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  );
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return () => child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGTERM");
  throw new Error("the app did not start");
}
