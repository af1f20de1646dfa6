// Leader election through a PostgreSQL session advisory lock: of several dashboard replicas,
// the one whose dedicated connection holds the lock collects. If that connection dies (the
// process crashed, the network broke), PostgreSQL releases the lock and another replica takes over.
import pg from "pg";

/** Advisory lock key: idemscope's class id, and its own schema (one leader per installation). */
const LOCK_CLASS = 0x1de5c0;

export type Leadership = { isHeld: () => boolean; release: () => Promise<void> };

export async function tryLead(
  connectionString: string,
  ownSchema: string,
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
    const r = await client.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok",
      [LOCK_CLASS, ownSchema],
    );
    held = Boolean(r.rows[0]?.ok);
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
