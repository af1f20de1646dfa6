import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadRightNow } from "@/lib/query/views/overview";

export const dynamic = "force-dynamic";

export const GET = readRoute(async () => {
  const now = await loadRightNow(readContext());
  return NextResponse.json(now, { headers: { "cache-control": "no-store" } });
});
