import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { loadClients, clientListQuery } from "@/lib/views/clients";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = clientListQuery.parse(searchParamsOf(req));
  const body = await loadClients(readContext(), q);
  return NextResponse.json(body, { headers: { "cache-control": "no-store" } });
});
