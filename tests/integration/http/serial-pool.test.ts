// The dashboard's pools plan without parallel workers (lib/db/pool.ts, `serial`), keeping any
// server options the connection URL carries.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPool } from "../../../lib/db/pool";

async function settingsOf(url: string, serial: boolean) {
  const pool = createPool(url, { max: 1, serial });
  try {
    const r = await pool.query<{ workers: string; work_mem: string }>(
      `SELECT current_setting('max_parallel_workers_per_gather') AS workers,
              current_setting('work_mem') AS work_mem`,
    );
    return r.rows[0];
  } finally {
    await pool.end();
  }
}

describe("serial pools", () => {
  it("turn parallel workers off, and keep the URL's own options", async () => {
    const url = inject("databaseUrl");
    const plain = await settingsOf(url, false);
    expect(plain?.workers).not.toBe("0");
    expect((await settingsOf(url, true))?.workers).toBe("0");
    const withOptions = new URL(url);
    withOptions.searchParams.set("options", "-c work_mem=7MB");
    expect(await settingsOf(withOptions.toString(), true)).toEqual({
      workers: "0",
      work_mem: "7MB",
    });
  });
});
