import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { rangeSchema } from "@/lib/range";
import { getSharedOverview } from "@/lib/store/overview";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({ range: rangeSchema.default("15m") });

export const GET = readRoute(async (req) => {
  const { range } = querySchema.parse(searchParamsOf(req));
  const overview = await getSharedOverview(readContext(), range);
  return NextResponse.json(overview, { headers: { "cache-control": "no-store" } });
});
