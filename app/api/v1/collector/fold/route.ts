import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadFoldStatus } from "@/lib/query/views/fold";

export const dynamic = "force-dynamic";

export const GET = readRoute(async () => {
  const status = await loadFoldStatus(readContext());
  return NextResponse.json(status, { headers: { "cache-control": "no-store" } });
});
