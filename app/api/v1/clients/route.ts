import { NextResponse } from "next/server";
import type { ClientList } from "@/lib/api-types/clients";
import { config } from "@/lib/config";
import { readContext } from "@/lib/db/context";
import { clientListQuery } from "@/lib/http/client-schemas";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { noEventsTableMessage, storeCapabilities } from "@/lib/store/capabilities";
import { listClients } from "@/lib/store/clients";
import { sharedQuery } from "@/lib/store/shared-cache";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = clientListQuery.parse(searchParamsOf(req));
  const ctx = readContext();
  const body: ClientList = (await storeCapabilities(ctx)).eventsTable
    ? {
        ...(await sharedQuery(`clients:${JSON.stringify(q)}`, config().cacheTtlMs, () =>
          listClients(ctx, q),
        )),
        unavailable: null,
      }
    : {
        range: q.range,
        from: null,
        asOf: null,
        sort: q.sort,
        dir: q.dir,
        totalClients: 0,
        items: [],
        nextCursor: null,
        storms: [],
        sparkline: { bucketSeconds: 0, buckets: [] },
        unavailable: noEventsTableMessage(ctx.tables, "requests and retries per client"),
      };
  return NextResponse.json(body, { headers: { "cache-control": "no-store" } });
});
