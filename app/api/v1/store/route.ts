import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { STORE_RANGES } from "@/lib/api-types/store";
import { config } from "@/lib/config";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { sharedQuery } from "@/lib/store/shared-cache";
import { getStoreReport } from "@/lib/store/store-report";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  range: z
    .enum(STORE_RANGES, {
      error: "store growth is sampled over days: range must be 7d, 30d or 90d",
    })
    .default("30d"),
});

export const GET = readRoute(async (req) => {
  const { range } = querySchema.parse(searchParamsOf(req));
  const report = await sharedQuery(`store:${range}`, config().cacheTtlMs, () =>
    getStoreReport(readContext(), range),
  );
  return NextResponse.json(report, { headers: { "cache-control": "no-store" } });
});
