// How an intent came to succeed twice, read from its events (docs/store-contract.md: "duplicate success"): lock
// reclaim while the first worker still ran, an operator's release, expiry followed by a late
// retry, or two writers racing without any of those. Pure: the events in, words out; the API
// explains in UTC, the key page again in the viewer's time zone.
import type { DuplicateExplanation, LifecycleEvent } from "./api-types/keys";
import { formatAge, formatMs } from "./format";

type AuditLike = { at: string; actor: string; action: string; reason: string };

const isSuccess = (e: LifecycleEvent) =>
  e.kind === "completed" &&
  e.responseCode !== null &&
  e.responseCode >= 200 &&
  e.responseCode < 300;

/** The API's clock: UTC. The key page explains again in the viewer's zone. */
function utcClock(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

function gap(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return ms < 60_000 ? formatMs(ms) : formatAge(ms / 1000);
}

/** null unless the events show two or more successful completions. */
export function explainDuplicate(
  events: LifecycleEvent[],
  audit: AuditLike[] = [],
  /** false for spans alone: an expiry or eviction in the store leaves no event */
  storeVisible = true,
  /** a time of day as the reader reads it (the key page: the viewer's zone) */
  clock: (iso: string) => string = utcClock,
): DuplicateExplanation | null {
  const successes = events.filter(isSuccess);
  if (successes.length < 2) return null;
  const first = successes[0] as LifecycleEvent;
  const second = successes[1] as LifecycleEvent;
  const list = successes.map((e) => ({
    at: e.at,
    instance: e.instance,
    responseCode: e.responseCode,
  }));
  const between = events.filter((e) => e.at <= second.at && e.id !== second.id);
  const starts = between.filter((e) => e.kind === "claimed" || e.kind === "reclaimed");
  const firstStart = starts[0];
  const who = (e: LifecycleEvent | undefined) => e?.instance ?? "an unknown instance";

  // Expiry: the key was purged (or dropped as expired) and a later request claimed it anew.
  const expired = between.find((e) => e.kind === "expired" && e.at >= first.at);
  if (expired) {
    const late = between.find((e) => e.kind === "claimed" && e.at >= expired.at);
    return {
      cause: "expiry",
      summary:
        `The key expired ${firstStart ? `${gap(firstStart.at, expired.at)} after its first request` : ""} ` +
        `(removed at ${clock(expired.at)}); a late retry${late ? ` at ${clock(late.at)}, ${gap(first.at, late.at)} after the first success,` : ""} ` +
        `found no key and ran the work again, which succeeded a second time on ${who(second)}. ` +
        `A longer TTL for this endpoint would have replayed the first answer instead.`,
      successes: list,
    };
  }

  // Operator release: someone unlocked the key although its work had run or was running.
  const released = between.find((e) => e.kind === "released");
  if (released) {
    const entry = audit.find(
      (a) => a.action === "release" && Math.abs(Date.parse(a.at) - Date.parse(released.at)) < 5_000,
    );
    const byWhom = entry ? ` by ${entry.actor} ("${entry.reason}")` : " by an operator";
    return {
      cause: "release",
      summary:
        `The key was released${byWhom} at ${clock(released.at)} while its work ${released.at < first.at ? "was still running" : "had already succeeded"}; ` +
        `the next retry ran it again and it succeeded twice (${clock(first.at)} on ${who(first)}, ${clock(second.at)} on ${who(second)}).`,
      successes: list,
    };
  }

  // Lock reclaim: the first worker held the lock past the timeout, another took the key over.
  const reclaim = between.find((e) => e.kind === "reclaimed");
  if (reclaim) {
    const held = firstStart ? gap(firstStart.at, reclaim.at) : "the lock timeout";
    const stillRunning = reclaim.at < first.at;
    return {
      cause: "reclaim",
      summary:
        `The lock expired after ${held} and ${reclaim.instance ? `instance ${reclaim.instance}` : "another worker"} reclaimed the key at ${clock(reclaim.at)} ` +
        `${stillRunning ? `while ${firstStart?.instance ?? "the first worker"} was still running` : "after the first success was lost"}; ` +
        `both executions completed: ${first.instance ? `${first.instance} at ` : "one at "}${clock(first.at)} (${first.responseCode}), ${second.instance ? `${second.instance} at ` : "the other at "}${clock(second.at)} (${second.responseCode}). ` +
        `The endpoint's lock timeout is shorter than its slowest work.`,
      successes: list,
    };
  }

  if (!storeVisible)
    return {
      cause: "expiry_or_race",
      summary:
        `Two executions completed successfully (${clock(first.at)} on ${who(first)}, ${clock(second.at)} on ${who(second)}), ` +
        `the second not answered from the store: its record was gone (its TTL passed, or the store evicted it) ` +
        `or a writer ran the work without holding the key. Spans cannot tell which: the store itself is not read.`,
      successes: list,
    };
  return {
    cause: "race",
    summary:
      `Two executions completed successfully (${clock(first.at)} on ${who(first)}, ${clock(second.at)} on ${who(second)}) ` +
      `without a reclaim, release or expiry in between: a writer ran the work without holding the key ` +
      `(a racing writer, or a bug in the claim).`,
    successes: list,
  };
}
