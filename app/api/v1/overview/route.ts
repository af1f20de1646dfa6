import { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { getPool } from "@/lib/db";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { rangeSchema } from "@/lib/range";
import { getSharedOverview } from "@/lib/store/overview";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({ range: rangeSchema.default("15m") });

export const GET = readRoute(async (req) => {
  const { range } = querySchema.parse(searchParamsOf(req));
  const overview = await getSharedOverview(getPool(), tableNames(), config(), range);
  return NextResponse.json(overview, { headers: { "cache-control": "no-store" } });
});
