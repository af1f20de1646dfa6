import { NextResponse } from "next/server";
import { getPool } from "@/lib/db";
import { jsonRoute } from "@/lib/http/json-route";
import { pingDatabase } from "@/lib/store/health";

export const dynamic = "force-dynamic";

/** Readiness by default (503 while the database is down); `?probe=live` is liveness only. */
export const GET = jsonRoute(async (req) => {
  const headers = { "cache-control": "no-store" };
  if (req.nextUrl.searchParams.get("probe") === "live") {
    return NextResponse.json({ status: "ok" }, { headers });
  }
  let db: { up: boolean; latencyMs: number; error?: string };
  try {
    db = await pingDatabase(getPool());
  } catch (err) {
    db = { up: false, latencyMs: 0, error: (err as Error).message };
  }
  return NextResponse.json(
    {
      status: db.up ? "ok" : "unavailable",
      database: db.up ? "up" : "down",
      databaseLatencyMs: Math.round(db.latencyMs * 10) / 10,
      ...(db.error ? { message: "The database is unreachable." } : {}),
    },
    { status: db.up ? 200 : 503, headers },
  );
});
