// One panel of a page may time out (a lock on the live store, a replica conflict) while the
// others answer: the page then shows what it has and says which panel is missing and why,
// instead of failing whole. Anything else (the database down, a bug) still fails the request.
import "server-only";
import { cancelledQueryError } from "../http/errors";
import { log } from "../log";

export type PanelResult<T> = { ok: true; value: T } | { ok: false; message: string };

export async function optionalPanel<T>(name: string, work: Promise<T>): Promise<PanelResult<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    const cancelled = cancelledQueryError(err);
    if (!cancelled) throw err;
    log.warn(
      { panel: name, error: cancelled.error },
      "panel query cancelled; page served without it",
    );
    return { ok: false, message: cancelled.message };
  }
}
