import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, spawnScript, waitForOutput } from "../../helpers/run-script";

let dir: string;
const children: ChildProcess[] = [];

async function waitForLedgerRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const r = await client
        .query(`SELECT count(*)::int AS n FROM demo.ledger`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (r.rows[0].n > 0) return r.rows[0].n;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("the simulator wrote nothing in 20 s");
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "idemscope-demo-cli-"));
});
afterAll(async () => {
  // a failed run must not leave a demo (and its PostgreSQL) behind
  for (const child of children) if (child.exitCode === null) child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 1000));
  await fs.rm(dir, { recursive: true, force: true });
});

describe("npm run demo", () => {
  it("explains a taken port in one line and exits 1", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { result } = collect(spawnScript("demo.ts", ["--port", String(port)]));
      const r = await result;
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `idemscope demo: port ${port} is already in use; set PORT to another port`,
      );
    } finally {
      blocker.close();
    }
  });

  it("explains an unreachable DATABASE_URL in one line, without the password", async () => {
    const { result } = collect(
      spawnScript("demo.ts", ["--no-dashboard"], {
        DATABASE_URL: "postgres://someone:secret@127.0.0.1:1/store",
      }),
    );
    const r = await result;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^idemscope demo: cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/store: /,
    );
    expect(r.stderr).not.toContain("secret");
  });

  it("rejects bad flags with a message", async () => {
    const { result } = collect(spawnScript("demo.ts", ["--history", "a while"]));
    const r = await result;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--history must look like 30d");
    for (const [args, message] of [
      [["--capture", "logical"], "--capture needs --preset NAME"],
      [["--preset", "stripe-style", "--capture", "wal2json"], '--capture "wal2json" is not one of'],
      [["--preset", "stripe-style", "--capture", "spans"], "--capture spans alone reads no table"],
    ] as const) {
      const bad = await collect(spawnScript("demo.ts", [...args])).result;
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(message);
    }
  });

  it("stops cleanly on Ctrl-C and reuses the data on the next start", async () => {
    const args = [
      "--no-dashboard",
      "--data-dir",
      path.join(dir, "pg"),
      "--history",
      "2d",
      "--intents-per-day",
      "300",
      "--rate",
      "1",
      // a steady rate: the seasonal shape is at 13 % of it on a weekend night
      "--traffic",
      "flat",
    ];
    const first = spawnScript("demo.ts", args);
    children.push(first);
    const firstRun = collect(first);
    const [, firstUrl] = await waitForOutput(firstRun.output, /PostgreSQL:\s+(\S+)/);
    await waitForOutput(firstRun.output, /started in/);
    expect(firstRun.output()).toMatch(/backfilled 2 days: \d+ intents/);
    const written = await waitForLedgerRows(firstUrl!); // live traffic reached the database
    first.kill("SIGINT");
    expect((await firstRun.result).code).toBe(130); // 128 + SIGINT, as shells expect

    const second = spawnScript("demo.ts", args);
    children.push(second);
    const secondRun = collect(second);
    const [, url] = await waitForOutput(secondRun.output, /PostgreSQL:\s+(\S+)/);
    await waitForOutput(secondRun.output, /started in/);
    expect(secondRun.output()).not.toMatch(/backfilled/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // only the live API writes the ledger: its rows are the first run's traffic
    const r = await client.query(`SELECT count(*)::int AS n FROM demo.ledger`);
    // each start of the live traffic is a deploy marker, as a service's CI would send
    const deploys = await client.query(
      `SELECT count(*)::int AS n FROM idemscope.annotations WHERE version = 'v142' AND actor = 'ci:deploy'`,
    );
    await client.end();
    expect(deploys.rows[0].n).toBe(2);
    expect(r.rows[0].n).toBeGreaterThanOrEqual(written); // the first run's traffic survived
    second.kill("SIGINT");
    expect((await secondRun.result).code).toBe(130);
  }, 120_000);
});
