import { NextResponse } from "next/server";
import { addAnnotation } from "@/lib/act/annotate";
import { readContext, writeContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { mutationRoute } from "@/lib/edge/http/mutation-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { forgetShared } from "@/lib/query/store/shared-cache";
import {
  annotationBody,
  annotationsQuerySchema,
  loadAnnotations,
} from "@/lib/query/views/annotations";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = annotationsQuerySchema.parse(searchParamsOf(req));
  const list = await loadAnnotations(readContext(), q);
  return NextResponse.json(list, { headers: { "cache-control": "no-store" } });
});

export const POST = mutationRoute(annotationBody, async ({ actor, body }) => {
  const annotation = await addAnnotation(writeContext(), actor, {
    text: body.text,
    at: body.at ? new Date(body.at) : undefined,
    endpoint: body.endpoint,
    version: body.version,
  });
  forgetShared("annotations:");
  return NextResponse.json(annotation, { status: 201, headers: { "cache-control": "no-store" } });
});
