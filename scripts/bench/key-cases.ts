// Key search and lifecycle requests for the benchmark, on the generated dataset: keys are
// "k-<n>", clients "client-0000"…; one intent is purged first so that the events path is timed.
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";

export async function keyCases(
  pool: Pool,
  t: TableNames,
  keys: number,
): Promise<{ name: string; url: string }[]> {
  const mid = Math.floor(keys / 2);
  const live = await pool.query<{ id: string; scope: string; endpoint: string; key: string }>(
    `SELECT id::text, scope, endpoint, key FROM ${t.keys} WHERE key = $1`,
    [`k-${mid}`],
  );
  const row = live.rows[0];
  if (!row) throw new Error(`the dataset has no key k-${mid}`);
  // purge one intent the way the TTL purger would: the row goes, its events stay
  const purgedKey = `k-${mid + 1}`;
  await pool.query(`DELETE FROM ${t.keys} WHERE key = $1`, [purgedKey]);
  const purged = await pool.query<{ scope: string; endpoint: string }>(
    `SELECT scope, endpoint FROM ${t.events} WHERE key = $1 LIMIT 1`,
    [purgedKey],
  );
  const p = purged.rows[0];
  if (!p) throw new Error(`the dataset has no events for ${purgedKey}`);
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  return [
    { name: "key search: exact key", url: `/api/v1/keys?${q({ key: row.key })}` },
    { name: "key search: exact key, purged", url: `/api/v1/keys?${q({ key: purgedKey })}` },
    {
      name: "key search: prefix (50 of 111)",
      url: `/api/v1/keys?${q({ prefix: `k-${Math.floor(mid / 1000)}` })}`,
    },
    {
      name: "key search: one client, newest first",
      url: `/api/v1/keys?${q({ scope: row.scope })}`,
    },
    {
      name: "key search: failed in the last hour",
      url: `/api/v1/keys?${q({ status: "failed", from: hourAgo })}`,
    },
    { name: "key lifecycle by id", url: `/api/v1/keys/${row.id}` },
    {
      name: "key lifecycle, purged (by intent)",
      url: `/api/v1/keys/lookup?${q({ scope: p.scope, endpoint: p.endpoint, key: purgedKey })}`,
    },
  ];
}
