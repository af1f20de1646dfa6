import { NextResponse } from "next/server";
import type { Pool } from "pg";
import { getPool, getWritePool, hasReadReplica } from "@/lib/db/pools";
import { jsonRoute } from "@/lib/edge/http/json-route";
import { pingDatabase } from "@/lib/query/store/health";

export const dynamic = "force-dynamic";

/** Readiness by default (503 while the database is down); `?probe=live` is liveness only. */
export const GET = jsonRoute(async (req) => {
  const headers = { "cache-control": "no-store" };
  if (req.nextUrl.searchParams.get("probe") === "live") {
    return NextResponse.json({ status: "ok" }, { headers });
  }
  const ping = (pool: () => Pool) =>
    pingDatabase(pool()).catch((err: Error) => ({ up: false, latencyMs: 0, error: err.message }));
  const [db, replica] = await Promise.all([
    ping(getWritePool),
    hasReadReplica() ? ping(getPool) : Promise.resolve(null),
  ]);
  const up = db.up && (replica?.up ?? true);
  return NextResponse.json(
    {
      status: up ? "ok" : "unavailable",
      database: db.up ? "up" : "down",
      databaseLatencyMs: Math.round(db.latencyMs * 10) / 10,
      ...(replica ? { readReplica: replica.up ? "up" : "down" } : {}),
      ...(!db.up
        ? { message: "The database is unreachable." }
        : replica && !replica.up
          ? { message: "The read replica is unreachable." }
          : {}),
    },
    { status: up ? 200 : 503, headers },
  );
});
