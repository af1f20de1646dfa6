import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { decodeCursor, timeIdCursor } from "@/lib/cursor";
import { searchParamsOf } from "@/lib/http/json-route";
import { sharedQuery } from "@/lib/store/shared-cache";
import { readRoute } from "@/lib/http/read-route";
import { STUCK_ORDERS } from "@/lib/api-types/stuck";
import { listStuckKeys } from "@/lib/store/stuck";

export const dynamic = "force-dynamic";

const text = z.string().trim().min(1).max(255);
const querySchema = z.strictObject({
  endpoint: text.optional(),
  scope: text.optional(),
  lockOwner: text.optional(),
  minAgeSeconds: z.coerce.number().int().min(0).max(315_360_000).optional(),
  order: z.enum(STUCK_ORDERS).default("oldest"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
const cursorSchema = timeIdCursor("since");

export const GET = readRoute(async (req) => {
  const q = querySchema.parse(searchParamsOf(req));
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema) : undefined;
  // many viewers polling the same list cost one query per refresh interval
  const page = await sharedQuery(`stuck:${JSON.stringify(q)}`, config().cacheTtlMs, () =>
    listStuckKeys(readContext(), q, { limit: q.limit, cursor, order: q.order }),
  );
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
