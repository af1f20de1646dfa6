import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { decodeCursor, timeIdCursor } from "@/lib/cursor";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { sharedQuery } from "@/lib/store/shared-cache";
import { keyIdSchema } from "@/lib/http/action-schemas";
import { listAudit } from "@/lib/store/audit";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  actor: z.string().trim().min(1).max(255).optional(),
  key: z.string().min(1).max(255).optional(),
  keyId: keyIdSchema.optional(),
  action: z.enum(["release", "fail", "reveal"]).optional(),
  batchId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
const cursorSchema = timeIdCursor("at");

export const GET = readRoute(async (req) => {
  const q = querySchema.parse(searchParamsOf(req));
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema) : undefined;
  const page = await sharedQuery(`audit:${JSON.stringify(q)}`, config().cacheTtlMs, () =>
    listAudit(readContext(), q, { limit: q.limit, cursor }),
  );
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
