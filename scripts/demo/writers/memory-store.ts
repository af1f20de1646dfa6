// rocket-rides' POST /rides over a store that is not PostgreSQL: records kept in the service's
// memory the way AWS Powertools' idempotency utility keeps them in Redis or DynamoDB (one record
// per key with its status INPROGRESS or COMPLETED, the payload's hash, an in-progress expiry that
// a later request may take over, and a TTL after which the record is gone). idemscope cannot read
// it: the span-only demo and tests (docs/capture.md, "Spans only") see this service through its
// OpenTelemetry spans alone.
import { randomBytes } from "node:crypto";
import { sameParams, type RideRequest, type RideResponse } from "./stripe-style";

type MemoryRecord = {
  status: "INPROGRESS" | "COMPLETED";
  params: Record<string, unknown>;
  /** until then a request finds the key in progress (409); afterwards it takes it over */
  lockedUntil: number;
  /** the record is gone after this (the store's TTL), and a late retry runs the work again */
  expiresAt: number;
  response: { status: number; chargeId: string } | null;
};

export type MemoryRideStore = {
  postRide: (req: RideRequest) => Promise<RideResponse>;
  /** the scenario's clock: the key's in-progress expiry passes / the key's record expires */
  ageLock: (userId: number, key: string) => void;
  expire: (userId: number, key: string) => void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function memoryRideStore(o: { lockSeconds: number; ttlSeconds: number }): MemoryRideStore {
  const records = new Map<string, MemoryRecord>();
  const id = (userId: number, key: string) => `${userId}\u0000${key}`;
  // an expired record is dropped when it is next read (Redis' lazy expiry; DynamoDB's TTL)
  const live = (k: string): MemoryRecord | undefined => {
    const r = records.get(k);
    if (r && r.expiresAt <= Date.now()) records.delete(k);
    return records.get(k);
  };
  return {
    ageLock: (userId, key) => {
      const r = records.get(id(userId, key));
      if (r) r.lockedUntil = 0;
    },
    expire: (userId, key) => {
      const r = records.get(id(userId, key));
      if (r) r.expiresAt = 0;
    },
    postRide: async (req) => {
      const k = id(req.userId, req.key);
      const now = Date.now();
      const existing = live(k);
      if (existing) {
        if (!sameParams(existing.params, req.params))
          return { status: 422, outcome: "mismatch", resumed: false };
        if (existing.status === "COMPLETED")
          return { status: existing.response!.status, outcome: "replayed", resumed: false };
        if (existing.lockedUntil > now) return { status: 409, outcome: "conflict", resumed: false };
      }
      // a new key, or one whose in-progress expiry passed (its worker died): run the work
      const record: MemoryRecord = {
        status: "INPROGRESS",
        params: req.params,
        lockedUntil: now + o.lockSeconds * 1000,
        expiresAt: now + o.ttlSeconds * 1000,
        response: null,
      };
      records.set(k, record);
      await sleep(5 + Math.random() * 20); // the charge
      if (req.crashAfter) return { status: 500, outcome: "crashed", resumed: false };
      if (req.raiseError) {
        records.delete(k); // Powertools deletes the record when the handler raises
        return { status: 500, outcome: "error", resumed: false };
      }
      record.status = "COMPLETED";
      record.response = { status: 201, chargeId: `ch_${randomBytes(8).toString("hex")}` };
      record.expiresAt = Date.now() + o.ttlSeconds * 1000;
      return { status: 201, outcome: "completed", resumed: false };
    },
  };
}
