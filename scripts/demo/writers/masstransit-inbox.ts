// A writer that does to InboxState what MassTransit's EF Core inbox does on each delivery of a
// message to a consumer, in one transaction that holds the inbox row's lock while the consumer
// runs: the first delivery inserts the row (ReceiveCount 1, a fresh LockId), every redelivery
// increments ReceiveCount, and a successful consume sets Consumed (Delivered once the outbox
// forwarded its messages). A redelivery of a consumed message is skipped by the inbox; a crash
// rolls the consume back but the receive count stays (it is written before the consumer runs).
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";

export type InboxOutcome = "consumed" | "skipped" | "crashed";

export async function deliver(
  pool: Pool,
  table: string,
  msg: { messageId: string; consumerId: string; crash?: boolean },
): Promise<InboxOutcome> {
  const row = await pool.query<{ Id: string; Consumed: Date | null }>(
    `INSERT INTO ${table} ("MessageId", "ConsumerId", "LockId", "Received", "ReceiveCount")
     VALUES ($1, $2, $3, now(), 1)
     ON CONFLICT ("MessageId", "ConsumerId") DO UPDATE
       SET "ReceiveCount" = ${table}."ReceiveCount" + 1, "LockId" = excluded."LockId"
     RETURNING "Id", "Consumed"`,
    [msg.messageId, msg.consumerId, randomUUID()],
  );
  const state = row.rows[0]!;
  if (state.Consumed) return "skipped";
  if (msg.crash) return "crashed";
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    // the consumer runs holding the row: a concurrent delivery waits, then sees it consumed
    const locked = await c.query<{ Consumed: Date | null }>(
      `SELECT "Consumed" FROM ${table} WHERE "Id" = $1 FOR UPDATE`,
      [state.Id],
    );
    if (locked.rows[0]?.Consumed) {
      await c.query("ROLLBACK");
      return "skipped";
    }
    await c.query(`UPDATE ${table} SET "Consumed" = now(), "Delivered" = now() WHERE "Id" = $1`, [
      state.Id,
    ]);
    await c.query("COMMIT");
    return "consumed";
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
