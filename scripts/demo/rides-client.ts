// The simulator's client of the rides service over HTTP (./rides-api.ts): the same fault mix as
// the direct writer, but every request is a real HTTP request the traced service answers, so its
// replays, 409s and 422s exist only as spans. The scenario's clock (lock ageing, expiry) stays
// the direct client's.
import type { Intent, LibraryClient } from "./library-traffic";
import { FAULT_HEADER } from "./rides-api";

export function ridesHttpClient(url: string, direct: LibraryClient): LibraryClient {
  return {
    ...direct,
    request: async (i: Intent, o: { crash?: boolean; amount?: number }) => {
      let res: Response;
      try {
        res = await fetch(`${url}/rides`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "idempotency-key": i.key,
            "x-user-id": String(i.client),
            ...(o.crash ? { [FAULT_HEADER]: "crash" } : {}),
          },
          body: JSON.stringify({ amount: o.amount ?? i.amount, origin_lat: 0, origin_lon: 0 }),
        });
      } catch {
        return "crashed"; // the worker died: the connection dropped without an answer
      }
      await res.arrayBuffer();
      if (res.headers.get("idempotent-replayed") === "true") return "replayed";
      if (res.status === 409) return "conflict";
      if (res.status === 422) return "mismatch";
      if (res.status >= 500) return "error";
      return res.headers.get("x-resumed") === "true" ? "completed (resumed)" : "completed";
    },
  };
}

/**
 * The same client of the rides service whose keys live in its memory (RIDES_STORE=memory): the
 * scenario's clock is the service's own test routes, since nothing else can reach its store.
 */
export function memoryRidesClient(
  url: string,
  o: { lockSeconds: number; ttlSeconds: number },
): LibraryClient {
  const clock = (route: "age-lock" | "expire") => async (i: Intent) => {
    const res = await fetch(`${url}/_clock/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: i.client, key: i.key }),
    });
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
  };
  return ridesHttpClient(url, {
    request: () => Promise.reject(new Error("served over HTTP")),
    lockTimeoutSeconds: o.lockSeconds,
    ttlSeconds: o.ttlSeconds,
    purge: async () => undefined, // the store expires its own records
    ageLock: clock("age-lock"),
    expire: clock("expire"),
  });
}
