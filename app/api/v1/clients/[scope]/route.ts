import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { scopeParam } from "@/lib/query/params/client-schemas";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { clientDetailQuery, loadClientDetail } from "@/lib/query/views/clients";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ scope: string }> };

export const GET = readRoute<Ctx>(async (req, ctx) => {
  const scope = scopeParam.parse((await ctx.params).scope);
  const { range } = clientDetailQuery.parse(searchParamsOf(req));
  const detail = await loadClientDetail(readContext(), scope, range);
  return NextResponse.json(detail, { headers: { "cache-control": "no-store" } });
});
