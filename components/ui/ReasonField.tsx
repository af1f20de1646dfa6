export const REASON_MAX = 500;

/** The required "why" of every operator action; it goes to the audit log verbatim. */
export function ReasonField({
  value,
  onChange,
  autoFocus,
  example = "INC-2291: payments worker OOM-killed at 02:10; clients will retry",
}: {
  value: string;
  onChange: (v: string) => void;
  autoFocus?: boolean;
  /** a reason of the kind this action asks for (a stuck key's, a reconciliation's) */
  example?: string;
}) {
  const length = value.trim().length;
  return (
    <label className="reason-field">
      Reason (required, recorded in the audit log)
      <textarea
        name="reason"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        maxLength={REASON_MAX}
        rows={3}
        required
        autoFocus={autoFocus}
        placeholder={`e.g. ${example}`}
      />
      <span className={length > REASON_MAX ? "tone-text-bad" : "muted"}>
        {length}/{REASON_MAX}
      </span>
    </label>
  );
}
