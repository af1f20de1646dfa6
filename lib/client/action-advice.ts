// What an operator should know before releasing or failing a stuck key (issue #34): a release of
// a key that holds no lock changes nothing, and a release of work that already reached an outside
// system (a payment provider called, an email sent) lets the next retry do it again. Read from
// the key's own state: its lock and its recovery point.
import type { KeyAction } from "./api-types/actions";
import type { StuckKey } from "./api-types/stuck";

export type ActionAdvice = {
  /** the action that fits this key */
  recommended: KeyAction;
  /** why, one sentence each; empty when nothing stands out */
  warnings: string[];
};

/**
 * Recovery points that name a step with an effect outside the service (the demo's payments API
 * records `provider_called` once the provider has been asked to charge).
 */
const EFFECT_DONE =
  /(called|charged|captured|authori[sz]ed|paid|sent|shipped|submitted|notified|dispatched)/i;

export function adviseAction(key: StuckKey, action: KeyAction): ActionAdvice {
  const warnings: string[] = [];
  const effect = key.recoveryPoint !== null && EFFECT_DONE.test(key.recoveryPoint);
  const unlocked = key.lockedAt === null;
  if (action === "release" && unlocked)
    warnings.push(
      "This key holds no lock (orphaned): Release changes nothing but its last-change time, and the client's next retry already takes it over. To stop the work from running again, Fail it.",
    );
  if (action === "release" && effect)
    warnings.push(
      `Its work reached "${key.recoveryPoint}": an outside system was already asked. Releasing lets the next retry run the work again from there, which may charge or send twice. Check with that system first, or Fail it.`,
    );
  return { recommended: unlocked || effect ? "fail" : "release", warnings };
}
