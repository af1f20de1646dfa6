// One panel of a page may time out (a lock on the live store, a replica conflict) while the
// others answer: the page then shows what it has and says which panel is missing and why,
// instead of failing whole. Anything else (the database down, a bug) still fails the request.
import "server-only";
import { cancelledQueryError } from "../../db/cancelled-query";
import { log } from "../../core/log";

/** `work`'s result; or null, with the reason put in `missing[name]`, when the database cancelled it. */
export async function optionalPanel<K extends string, T>(
  missing: Partial<Record<K, string>>,
  name: K,
  work: Promise<T>,
): Promise<T | null> {
  try {
    return await work;
  } catch (err) {
    const cancelled = cancelledQueryError(err);
    if (!cancelled) throw err;
    log.warn(
      { panel: name, error: cancelled.error },
      "panel query cancelled; page served without it",
    );
    missing[name] = cancelled.message;
    return null;
  }
}
