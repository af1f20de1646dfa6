// The leader's logical capture stream: started when the source is captured by logical decoding,
// restarted when it is reinstalled, stopped when this replica stops leading
// (lib/ingest/sources/logical-consumer.ts reads the slot).
import type { Pool } from "pg";
import type { Config } from "../core/config";
import { log } from "../core/log";
import { createPool } from "../db/pool";
import type { SourceBinding } from "../contract/source-binding";
import type { TableNames } from "../contract/tables";
import { startLogicalConsumer, type LogicalConsumer } from "../ingest/sources/logical-consumer";

export type LogicalStream = {
  /** runs the stream the tables' source needs (none, or the slot of its current install) */
  keep: (t: TableNames) => Promise<void>;
  stop: () => Promise<void>;
};

export function logicalStream(databaseUrl: string, cfg: Config): LogicalStream {
  let running: { binding: SourceBinding; stream: LogicalConsumer; pool: Pool } | null = null;

  async function stop() {
    const r = running;
    running = null;
    if (!r) return;
    await r.stream.stop();
    await r.pool.end().catch(() => undefined);
  }

  async function keep(t: TableNames) {
    const want = t.source.capture.streamsWal && t.source.logical ? t.source : null;
    const same =
      running &&
      want &&
      running.binding.installedAt === want.installedAt &&
      running.binding.base === want.base;
    if (running && !same) await stop();
    if (!want || running) return;
    const pool = createPool(databaseUrl, { max: 2, applicationName: "idemscope-logical" });
    running = {
      binding: want,
      pool,
      stream: startLogicalConsumer({
        pool,
        // the stream alone needs REPLICATION: it may use a login of its own
        databaseUrl: cfg.replicationDatabaseUrl ?? databaseUrl,
        binding: want,
        own: t,
      }),
    };
    log.info(
      { slot: want.logical!.slot },
      "collector: streaming the store's changes (logical decoding)",
    );
  }

  return { keep, stop };
}
