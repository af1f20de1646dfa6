"use client";

import { useSyncExternalStore } from "react";

const never = () => () => undefined;

/**
 * false on the server and while React hydrates what it sent, true after. Data the server did not
 * render (a query other components fetch, e.g. the fold status the banner polls) may already be
 * in the browser's cache when a streamed part of the page hydrates; rendered before this is true,
 * it would not match the server's HTML.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
