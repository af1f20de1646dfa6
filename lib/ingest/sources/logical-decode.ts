// The decoding half of logical capture: pgoutput messages of the slot, with every column as
// PostgreSQL's text, assembled into the store table's committed transactions. Pure: no database,
// no stream (lib/ingest/sources/logical-consumer.ts feeds it; logical-apply.ts writes its output).
import { PgoutputPlugin, type Pgoutput } from "pg-logical-replication";
import type { ChangeArrays } from "./capture-drain";
import { parseLsn } from "./lsn";

const JSON_TYPES = new Set([114, 3802]); // json, jsonb: their images carry the value itself

/** pgoutput with every column left as PostgreSQL's text, so images keep full precision. */
export class RawTextPgoutput extends PgoutputPlugin {
  parse(buffer: Buffer): Pgoutput.Message {
    const m = super.parse(buffer);
    // the parser caches this very relation object and reads its columns for every later tuple
    if (m.tag === "relation")
      for (const c of m.columns) c.parser = JSON_TYPES.has(c.typeOid) ? JSON.parse : (raw) => raw;
    return m;
  }
}

export type Change = {
  at: string;
  op: "INSERT" | "UPDATE" | "DELETE";
  old_row: unknown;
  new_row: unknown;
};

/**
 * commitLsn: where its commit record starts; endLsn: where it ends (the position to resume at);
 * xid: its transaction id, looked up in operator_marks (idemscope's own release and fail)
 */
export type Txn = { commitLsn: bigint; endLsn: bigint; at: string; changes: Change[]; xid: number };

/**
 * The transactions' changes, in order, as parallel arrays (cheaper for PostgreSQL to read than
 * one JSON document of objects), each with its transaction's id.
 */
export function asArrays(txns: Txn[]): ChangeArrays {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const changes = txns.flatMap((t) => t.changes.map((c) => ({ ...c, xid: t.xid })));
  return [
    changes.map((c) => c.at),
    changes.map((c) => c.op),
    changes.map((c) => json(c.old_row)),
    changes.map((c) => json(c.new_row)),
    changes.map((c) => c.xid),
  ];
}

const microsToIso = (us: bigint) =>
  new Date(Number(us / 1000n)).toISOString().replace("Z", "") +
  String(us % 1000n).padStart(3, "0") +
  "Z";

/** What one message of the stream amounts to, once assembled. */
export type Decoded =
  | { kind: "commit"; txn: Txn }
  /** a logical message outside any transaction, with the position it was written at */
  | { kind: "message"; prefix: string; content: string; lsn: bigint }
  | { kind: "truncated" }
  | null;

/** Assembles the table's row changes into transactions, in commit order (the stream's order). */
export class TransactionAssembler {
  private current: Txn | null = null;

  constructor(private readonly table: { schema: string; name: string }) {}

  /** Forgets a transaction half-read when the stream broke. */
  reset(): void {
    this.current = null;
  }

  private isOurs(r: Pgoutput.MessageRelation): boolean {
    return r.schema === this.table.schema && r.name === this.table.name;
  }

  accept(lsn: string, m: Pgoutput.Message): Decoded {
    const current = this.current;
    switch (m.tag) {
      case "begin":
        this.current = {
          commitLsn: parseLsn(m.commitLsn!),
          endLsn: 0n,
          at: microsToIso(m.commitTime as bigint),
          changes: [],
          xid: m.xid,
        };
        return null;
      case "insert":
        if (current && this.isOurs(m.relation))
          current.changes.push({ at: current.at, op: "INSERT", old_row: null, new_row: m.new });
        return null;
      case "update":
        if (current && this.isOurs(m.relation))
          current.changes.push({ at: current.at, op: "UPDATE", old_row: m.old, new_row: m.new });
        return null;
      case "delete":
        if (current && this.isOurs(m.relation))
          current.changes.push({
            at: current.at,
            op: "DELETE",
            old_row: m.old ?? m.key,
            new_row: null,
          });
        return null;
      case "truncate":
        return m.relations.some((r) => this.isOurs(r)) ? { kind: "truncated" } : null;
      case "message":
        if (current) return null;
        return {
          kind: "message",
          prefix: m.prefix,
          content: Buffer.from(m.content).toString("utf8"),
          lsn: parseLsn(lsn),
        };
      case "commit": {
        this.current = null;
        if (!current) return null;
        current.endLsn = parseLsn(m.commitEndLsn!);
        return { kind: "commit", txn: current };
      }
      default:
        return null;
    }
  }
}
