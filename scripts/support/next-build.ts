// Makes sure a production build exists before `next start` (demo --prod, bench).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** What the production build is made of: a change to any of them makes the build stale. */
const SOURCES = ["app", "components", "lib", "next.config.js", "package-lock.json"];

/** The newest modification time of the files under `entry` (a file or a folder), in ms. */
function newestChange(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (newest, name) => Math.max(newest, newestChange(path.join(entry, name))),
    stat.mtimeMs,
  );
}

export async function ensureNextBuild(root: string, log: (m: string) => void): Promise<void> {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId)) {
    // a build older than the code would time (or demo) yesterday's app
    const built = statSync(buildId).mtimeMs;
    if (SOURCES.every((s) => newestChange(path.join(root, s)) <= built)) return;
    log("the production build is older than the code: running next build (about a minute) …");
  } else log("no production build yet: running next build (about a minute) …");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(
      process.execPath,
      [path.join(root, "node_modules/next/dist/bin/next"), "build"],
      {
        cwd: root,
        stdio: "ignore",
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      },
    );
    build.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error("next build failed; run `npm run build` to see why")),
    );
  });
}
