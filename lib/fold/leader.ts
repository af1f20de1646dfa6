// Leader election through a PostgreSQL session advisory lock: of several dashboard replicas,
// the one whose dedicated connection holds the lock collects. If that connection dies (the
// process crashed, the network broke), PostgreSQL releases the lock and another replica takes over.
// Any login can take an advisory lock, and pg_locks shows every key, so the key is derived from a
// secret in idemscope's schema and a generation only idemscope's role can advance: a session
// without idemscope's rights that holds the key (to stop the collector) is outvoted by advancing
// the generation, which is recorded and alerted (IdemscopeCollectorElectionBlocked).
import pg from "pg";
import { log } from "../core/log";

/** Advisory lock class: idemscope's; the key within it comes from the election secret. */
const LOCK_CLASS = 0x1de5c0;

export type Leadership = { isHeld: () => boolean; release: () => Promise<void> };

type Key = { key: number; generation: string };

async function electionKey(client: pg.Client, own: (name: string) => string): Promise<Key> {
  const r = await client.query<Key>(
    `SELECT hashtext(s.value || ':' || c.leader_generation) AS key, c.leader_generation::text AS generation
       FROM ${own("secrets")} s, ${own("collector_state")} c
      WHERE s.name = 'election_key' AND c.id = 1`,
  );
  if (!r.rows[0]) throw new Error("collector: no election key (run the migrations)");
  return r.rows[0];
}

/** Who holds the key, if that session lacks idemscope's rights (the owner of its schema). */
async function impostorHolding(
  client: pg.Client,
  key: number,
  ownSchema: string,
): Promise<string | null> {
  const r = await client.query<{ who: string }>(
    `SELECT format('pid %s, role %s, application %s', a.pid, a.usename, coalesce(nullif(a.application_name, ''), '?')) AS who
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
       JOIN pg_namespace n ON n.nspname = $3
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int4::oid
        AND l.objid = $2::int4::oid AND l.objsubid = 2
        AND NOT pg_has_role(a.usesysid, n.nspowner, 'USAGE')`,
    [LOCK_CLASS, key, ownSchema],
  );
  return r.rows[0]?.who ?? null;
}

export async function tryLead(
  connectionString: string,
  ownSchema: string,
  own: (name: string) => string,
): Promise<Leadership | null> {
  const client = new pg.Client({
    connectionString,
    application_name: "idemscope-collector-leader",
  });
  let held = false;
  client.on("error", () => {
    held = false; // the session is gone, and with it the lock
  });
  try {
    await client.connect();
    for (let round = 0; round < 2 && !held; round++) {
      const { key, generation } = await electionKey(client, own);
      const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [
        LOCK_CLASS,
        key,
      ]);
      held = Boolean(r.rows[0]?.ok);
      if (held) break;
      const impostor = await impostorHolding(client, key, ownSchema);
      if (!impostor) break; // another idemscope replica leads
      log.warn(
        { holder: impostor },
        "collector: a session without idemscope's rights held the election; moving on",
      );
      await client.query(
        `UPDATE ${own("collector_state")}
            SET leader_generation = leader_generation + 1,
                election_blocked_by = $2, election_blocked_at = now()
          WHERE id = 1 AND leader_generation = $1::bigint`,
        [generation, impostor],
      );
    }
  } catch {
    held = false;
  }
  if (!held) {
    await client.end().catch(() => undefined);
    return null;
  }
  client.on("end", () => {
    held = false;
  });
  return {
    isHeld: () => held,
    release: async () => {
      held = false;
      await client.end().catch(() => undefined);
    },
  };
}
