import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadClients, clientListQuery } from "@/lib/query/views/clients";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = clientListQuery.parse(searchParamsOf(req));
  const body = await loadClients(readContext(), q);
  return NextResponse.json(body, { headers: { "cache-control": "no-store" } });
});
