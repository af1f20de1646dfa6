import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { readRoute } from "@/lib/http/read-route";
import { loadFoldStatus } from "@/lib/views/fold";

export const dynamic = "force-dynamic";

export const GET = readRoute(async () => {
  const status = await loadFoldStatus(readContext());
  return NextResponse.json(status, { headers: { "cache-control": "no-store" } });
});
