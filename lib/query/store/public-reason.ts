// What the dashboard shows of a background failure (the collector's, the decoder's): a class of
// cause in words anyone may read, never the database's text, which names tables, roles and
// values. The full error stays in the process's log and in idemscope's own tables for the DBA.
import { createHash } from "node:crypto";

const REASONS: [RegExp, string][] = [
  [
    /timeout|canceling statement/i,
    "a statement timed out (the full error is in the collector's log)",
  ],
  [
    /connect|ECONNREFUSED|ECONNRESET|terminat|Connection terminated|the database system is/i,
    "the database was unreachable for a moment",
  ],
  [
    /permission denied|must be owner|must be superuser/i,
    "a privilege is missing (the full error is in the collector's log)",
  ],
  [
    /does not exist/i,
    "a table or column idemscope needs is missing (the full error is in the collector's log)",
  ],
  [
    /deadlock|could not serialize|lock timeout|could not obtain lock/i,
    "a concurrent transaction was in the way (retried)",
  ],
  [
    /replication slot|publication|walsender|logical decoding/i,
    "the replication stream failed (the full error is in the collector's log)",
  ],
];

/** A failure's class, for every viewer. */
export function publicReason(message: string): string {
  return (
    REASONS.find(([pattern]) => pattern.test(message))?.[1] ??
    "a statement failed (the full error is in the collector's log)"
  );
}

/** A process's host:pid as a short stable name: replicas stay apart, hosts are not shown. */
export function publicInstance(instance: string): string {
  return `collector ${createHash("sha256").update(instance).digest("hex").slice(0, 6)}`;
}
