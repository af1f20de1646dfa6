// The caller's identity as route handlers and server components see it.
import "server-only";
import { activePreset } from "../contract/source-binding";
import type { PresetAction } from "../contract/preset";
import { headers } from "next/headers";
import { cache } from "react";
import { config } from "../core/config";
import { resolveIdentity, type Identity } from "./identity";
import { verifiedPeer } from "./peer";
import { writeAccess, type WriteAccess } from "./authorize";
import type { ViewerInfo } from "../client/api-types/viewer";

type HeaderGetter = { get(name: string): string | null };

export function identityFromHeaders(h: HeaderGetter): Identity | null {
  return resolveIdentity({ headers: h, peer: verifiedPeer(h) }, config().auth);
}

export type Viewer = { identity: Identity | null; access: WriteAccess; error: string | null };

/**
 * For pages: who is looking and whether they may act; never throws (a page shows the reason).
 * Cached per request: the layout and the page ask the same question.
 */
export const currentViewer = cache(async function currentViewer(): Promise<Viewer> {
  try {
    const identity = identityFromHeaders(await headers());
    return { identity, access: writeAccess(identity, config().auth), error: null };
  } catch (err) {
    const message = (err as Error).message;
    return {
      identity: null,
      access: { allowed: false, code: "unauthorized", reason: message },
      error: message,
    };
  }
});

export function viewerInfo(v: Viewer): ViewerInfo {
  return {
    name: v.identity?.name ?? null,
    role: v.identity?.role ?? null,
    method: v.identity?.method ?? null,
    canWrite: v.access.allowed,
    reason: v.access.allowed ? null : v.access.reason,
    readOnly: readOnlyMode(),
    layoutActions: layoutActions(),
  };
}

function layoutActions(): ViewerInfo["layoutActions"] {
  const { actions } = activePreset();
  const describe = (a: PresetAction) =>
    a.kind === "unavailable"
      ? { available: false, text: a.reason }
      : { available: true, text: a.explanation };
  return {
    release: describe(actions.release),
    fail: describe(actions.fail),
  };
}

function readOnlyMode(): boolean {
  try {
    return config().auth.readOnly;
  } catch {
    return false; // a configuration error is shown by the pages themselves
  }
}
