import { Instant } from "@/components/ui/TimeZone";
import { AppLink as Link } from "@/components/ui/AppLink";
import { lifecyclePageUrl } from "@/lib/client/queries/keys";
import type { AuditEntry, KeyState } from "@/lib/client/api-types/actions";

const ACTION_LABELS = {
  release: "Released",
  fail: "Failed",
  reveal: "Revealed response",
  reconcile: "Reconciled duplicate",
};

function describeState(s: Partial<KeyState> | null): string {
  if (!s) return "–";
  const lock = s.lockOwner ? `locked by ${s.lockOwner}` : s.lockedAt ? "locked" : "unlocked";
  const code = s.responseCode ? `, response ${s.responseCode}` : "";
  return `${s.status ?? "?"}, ${lock}${s.recoveryPoint ? `, at ${s.recoveryPoint}` : ""}${code}`;
}

/** Every operator action: who, when, what, why, and the key's state before and after. */
export function AuditTable({ rows }: { rows: AuditEntry[] }) {
  return (
    <table className="table" aria-label="Audit log">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Key</th>
          <th scope="col">Why</th>
          <th scope="col">Before → after</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id}>
            <td className="nowrap" title={a.at}>
              <Instant iso={a.at} year />
            </td>
            <td>
              <span>{a.actor}</span>
              <span className="muted block">
                {a.actorRole} · {a.authMethod}
              </span>
            </td>
            <td>
              {ACTION_LABELS[a.action]}
              {a.batchId ? <span className="muted block">bulk</span> : null}
            </td>
            <td>
              <span className="mono key-cell block" title={a.key ?? undefined}>
                {a.key && a.scope && a.endpoint ? (
                  <Link
                    href={lifecyclePageUrl({ scope: a.scope, endpoint: a.endpoint, key: a.key })}
                    prefetch={false}
                  >
                    {a.key}
                  </Link>
                ) : (
                  (a.key ?? "–")
                )}
              </span>
              <span className="muted block">
                {a.endpoint} · {a.scope}
              </span>
            </td>
            <td className="reason-cell">{a.reason}</td>
            <td className="muted">
              {describeState(a.before)} → <strong>{describeState(a.after)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
