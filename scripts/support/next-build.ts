// Makes sure a production build exists before `next start` (demo --prod, bench).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export async function ensureNextBuild(root: string, log: (m: string) => void): Promise<void> {
  if (existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  log("no production build yet: running next build (about a minute) …");
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
