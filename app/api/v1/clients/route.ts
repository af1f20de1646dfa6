import { NextResponse } from "next/server";
import type { ClientList } from "@/lib/api-types/clients";
import { config } from "@/lib/config";
import { getPool } from "@/lib/db";
import { clientListQuery } from "@/lib/http/client-schemas";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { noEventsTableMessage, storeCapabilities } from "@/lib/store/capabilities";
import { listClients } from "@/lib/store/clients";
import { sharedQuery } from "@/lib/store/shared-cache";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = clientListQuery.parse(searchParamsOf(req));
  const db = getPool();
  const t = tableNames();
  const body: ClientList = (await storeCapabilities(db, t)).eventsTable
    ? {
        ...(await sharedQuery(`clients:${JSON.stringify(q)}`, config().cacheTtlMs, () =>
          listClients(db, t, q),
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
        unavailable: noEventsTableMessage(t, "requests and retries per client"),
      };
  return NextResponse.json(body, { headers: { "cache-control": "no-store" } });
});
