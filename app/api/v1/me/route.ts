import { NextResponse } from "next/server";
import { writeAccess } from "@/lib/auth/authorize";
import { identityFromHeaders } from "@/lib/auth/request-identity";
import { config } from "@/lib/core/config";
import { jsonRoute } from "@/lib/edge/http/json-route";

export const dynamic = "force-dynamic";

// Who the caller is and whether they may act: automation checks its token with it.
export const GET = jsonRoute(async (req) => {
  const identity = identityFromHeaders(req.headers);
  const access = writeAccess(identity, config().auth);
  return NextResponse.json(
    {
      identity: identity && {
        name: identity.name,
        role: identity.role,
        method: identity.method,
        email: identity.email,
        groups: identity.groups,
      },
      canWrite: access.allowed,
      reason: access.allowed ? null : access.reason,
      readOnly: config().auth.readOnly,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
