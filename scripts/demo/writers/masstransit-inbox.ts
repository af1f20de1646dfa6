// A writer that does to InboxState what MassTransit's EF Core inbox does on each delivery of a
// message to a consumer: the first delivery inserts the row (ReceiveCount 1, a fresh LockId),
// every redelivery increments ReceiveCount, and a successful consume sets Consumed (Delivered once
// the outbox forwarded its messages). A redelivery of a consumed message is skipped by the inbox.
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
  await pool.query(`UPDATE ${table} SET "Consumed" = now(), "Delivered" = now() WHERE "Id" = $1`, [
    state.Id,
  ]);
  return "consumed";
}
