// What keeps idemscope safe on a store it does not own (docs/reliability.md, "Store safety"):
// operator marks (the transactions of idemscope's own release and fail, which capture skips:
// only idemscope's role can write them, unlike a session setting or a WAL message any login can
// produce), the dead letters of capture (row changes the derivation cannot read, kept instead of
// blocking the queue), the keys that sign logical capture's heartbeats and derive the collector's
// election lock, and what shows forged heartbeats and a blocked election.
import type { TableNames } from "../tables";

export function storeSafetyStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    // xid: the transaction id modulo 2^32, as pgoutput's BEGIN message carries it
    `CREATE TABLE ${r("operator_marks")} (
      xid bigint PRIMARY KEY,
      at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE ${r("capture_dead_letters")} (
      id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at       timestamptz NOT NULL,
      op       text NOT NULL,
      old_row  jsonb,
      new_row  jsonb,
      sqlstate text NOT NULL,
      error    text NOT NULL,
      dead_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `INSERT INTO ${r("secrets")} (name, value)
     VALUES ('heartbeat_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`,
    `INSERT INTO ${r("secrets")} (name, value)
     VALUES ('election_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`,
    // the collector's election key changes with the generation, which only idemscope's role can
    // advance: done when a session without idemscope's rights holds the current key
    `ALTER TABLE ${r("collector_state")}
       ADD COLUMN leader_generation   bigint NOT NULL DEFAULT 0,
       ADD COLUMN election_blocked_by text,
       ADD COLUMN election_blocked_at timestamptz`,
    `ALTER TABLE ${r("logical_state")}
       ADD COLUMN heartbeats_rejected bigint NOT NULL DEFAULT 0,
       ADD COLUMN last_rejected_at    timestamptz`,
  ];
}
