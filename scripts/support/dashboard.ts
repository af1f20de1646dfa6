// Starts the dashboard for the demo: scripts/serve.ts, not `next start`, because it tells the app
// the caller's socket address, which the demo's anonymous operator access is limited by
// (loopback only).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export function startDashboard(
  root: string,
  port: number,
  prod: boolean,
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const args = ["--import", "tsx", path.join(root, "scripts", "serve.ts")];
  args.push("--port", String(port), "--hostname", "127.0.0.1");
  if (!prod) args.push("--dev");
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    // its pino log (stdout) is not shown: nobody would read the pipe, and a full pipe stalls it
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[dashboard] ${chunk}`));
  return child;
}
