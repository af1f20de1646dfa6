// Runs one of the project's TypeScript entry points as its own Node.js process, the way npm runs
// them (tsx, the react-server condition): the demo's traced service, the bench's service load.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";

export function spawnTsx(
  script: string,
  args: string[] = [],
  options: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", script, ...args],
    { env: options.env ?? process.env, stdio: options.stdio ?? ["ignore", "pipe", "inherit"] },
  );
}
