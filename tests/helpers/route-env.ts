// Points the app's configuration at a test store, so that route handlers can be called as
// functions against the real database (no HTTP server, no mocks).
import { inject } from "vitest";
import { NextRequest } from "next/server";
import type { TestStore } from "./store";

export function useStoreForRoutes(store: TestStore, extra: Record<string, string> = {}): void {
  const own = store.t.own.replaceAll('"', "");
  Object.assign(process.env, {
    DATABASE_URL: inject("databaseUrl"),
    IDEMSCOPE_STORE_SCHEMA: store.schema,
    IDEMSCOPE_SCHEMA: own,
    IDEMSCOPE_COLLECTOR: "off",
    ...extra,
  });
}

export function getRequest(path: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(new URL(path, "http://127.0.0.1:3000"), { headers });
}
