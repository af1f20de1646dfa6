// What every view's page and API route share: the page asks for exactly what its client will
// request (the same query string, parsed by the route's own schema), through the same loader
// and so the same shared cache; a failed prefetch is logged once, here, and the client retries.
import "server-only";
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { z } from "zod";
import { isNotFound } from "../../core/errors";
import { log } from "../../core/log";

/** A query string as the parameter object the API routes parse (lib/edge/http/json-route.ts). */
export function paramsOf(search: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(search));
}

/** A client's query string parsed as the API route parses it: identical parameters. */
export function queryOf<T>(schema: z.ZodType<T>, search: string): T {
  return schema.parse(paramsOf(search));
}

export type Prefetched<T> = { data: T; error: null } | { data: undefined; error: unknown };

/**
 * Runs the view's loader for the first paint and puts the result where the client's query
 * finds it. Never throws: the page renders, and the client shows the error (or data) itself;
 * the error is handed back for a page that answers it (a 404).
 */
export async function prefetchView<T>(
  queryClient: QueryClient,
  queryKey: QueryKey,
  view: string,
  load: () => Promise<T>,
): Promise<Prefetched<T>> {
  const result = await tryLoad(view, load);
  if (result.error === null) queryClient.setQueryData(queryKey, result.data);
  return result;
}

/** A loader's result for a server-rendered part, or its error, logged (a 404 is not logged). */
export async function tryLoad<T>(view: string, load: () => Promise<T>): Promise<Prefetched<T>> {
  try {
    return { data: await load(), error: null };
  } catch (err) {
    if (!isNotFound(err))
      log.warn({ err: (err as Error).message, view }, "prefetch failed; the client will retry");
    return { data: undefined, error: err };
  }
}
