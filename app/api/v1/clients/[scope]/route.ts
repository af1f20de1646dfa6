import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { clientDetailQuery, scopeParam } from "@/lib/http/client-schemas";
import { DomainError } from "@/lib/errors";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { getClientDetail } from "@/lib/store/clients";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ scope: string }> };

export const GET = readRoute<Ctx>(async (req, ctx) => {
  const scope = scopeParam.parse((await ctx.params).scope);
  const { range } = clientDetailQuery.parse(searchParamsOf(req));
  const detail = await getClientDetail(readContext(), scope, range);
  if (!detail) {
    throw new DomainError(
      "not_found",
      "not_found",
      `No request from client "${scope}" is recorded.`,
    );
  }
  return NextResponse.json(detail, { headers: { "cache-control": "no-store" } });
});
