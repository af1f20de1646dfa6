import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { TREND_RANGES } from "@/lib/api-types/trends";
import { config } from "@/lib/config";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { sharedQuery } from "@/lib/store/shared-cache";
import { getTrends } from "@/lib/store/trends";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  range: z
    .enum(TREND_RANGES, { error: "trends are daily: range must be 7d, 30d or 90d" })
    .default("30d"),
});

export const GET = readRoute(async (req) => {
  const { range } = querySchema.parse(searchParamsOf(req));
  const trends = await sharedQuery(`trends:${range}`, config().cacheTtlMs, () =>
    getTrends(readContext(), range, [config().keysTable, config().eventsTable]),
  );
  return NextResponse.json(trends, { headers: { "cache-control": "no-store" } });
});
