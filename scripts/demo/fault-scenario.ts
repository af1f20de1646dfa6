// One fixed fault scenario for any preset's writer (the same faults the demo simulates: lost
// responses retried, double submits, crashed workers retried at once and after the lock timeout,
// reused keys with another payload, late retries after expiry), with the ground truth recorded
// from what the library answered each request. tests/integration/sources/fault-scenario.test.ts
// compares it with the dashboard's headline numbers for every built-in preset.
import type { Intent, LibraryClient } from "./library-traffic";

export type GroundTruth = {
  /** requests that ran the work (a claim or a reclaim, whether it finished or crashed) */
  executions: number;
  /** requests answered from the stored result */
  replayed: number;
  /** requests refused because the key was in progress */
  conflicts: number;
  /** requests refused because the key was used with another payload */
  mismatches: number;
  /** intents whose work succeeded more than once */
  duplicateSuccesses: number;
  outcomes: Record<string, number>;
  /** per client: the requests it sent and the keys (intents) it used */
  perClient: Record<string, { requests: number; keys: number }>;
};

const EXECUTED = /^(completed|failed|crashed|consumed|error)/;
const SUCCEEDED = /^(completed|consumed)/;

export async function runFaultScenario(client: LibraryClient, tag: string): Promise<GroundTruth> {
  const outcomes: Record<string, number> = {};
  const successes = new Map<string, number>();
  const perClient: Record<string, { requests: number; keys: Set<string> }> = {};
  let n = 0;
  const intent = (): Intent => ({ client: 1 + (n % 7), key: `${tag}-${n++}`, amount: 100 + n });
  const send = async (i: Intent, o: { crash?: boolean; amount?: number } = {}) => {
    const outcome = await client.request(i, o);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const c = (perClient[String(i.client)] ??= { requests: 0, keys: new Set() });
    c.requests += 1;
    c.keys.add(i.key);
    if (SUCCEEDED.test(outcome)) successes.set(i.key, (successes.get(i.key) ?? 0) + 1);
  };

  for (let k = 0; k < 5; k++) await send(intent()); // plain requests
  for (let k = 0; k < 3; k++) {
    const i = intent(); // the response was lost: the client retries
    await send(i);
    await send(i);
  }
  for (let k = 0; k < 2; k++) {
    const i = intent(); // a double submit
    await Promise.all([send(i), send(i)]);
  }
  for (let k = 0; k < 2; k++) {
    const i = intent(); // the worker crashes; the client retries at once, then after the lock timeout
    await send(i, { crash: true });
    await send(i);
    if (client.ageLock) {
      await client.ageLock(i);
      await send(i);
    }
  }
  for (let k = 0; k < 2; k++) {
    const i = intent(); // the same key with another payload
    await send(i);
    await send(i, { amount: i.amount + 1 });
  }
  if (client.expire)
    for (let k = 0; k < 2; k++) {
      const i = intent(); // a late retry after the key expired: the work runs again
      await send(i);
      await client.expire(i);
      await send(i);
    }

  const count = (re: RegExp) =>
    Object.entries(outcomes).reduce((s, [k, v]) => (re.test(k) ? s + v : s), 0);
  return {
    executions: count(EXECUTED),
    replayed: count(/^(replayed|skipped)/),
    conflicts: count(/^conflict/),
    mismatches: count(/^mismatch/),
    duplicateSuccesses: [...successes.values()].filter((v) => v >= 2).length,
    outcomes,
    perClient: Object.fromEntries(
      Object.entries(perClient).map(([k, v]) => [k, { requests: v.requests, keys: v.keys.size }]),
    ),
  };
}
