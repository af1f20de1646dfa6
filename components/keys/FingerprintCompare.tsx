/** The stored request fingerprint next to a mismatching one, the first difference marked. */
export function FingerprintCompare({
  stored,
  other,
  at,
}: {
  stored: string;
  other: string;
  at: string;
}) {
  let i = 0;
  while (i < stored.length && stored[i] === other[i]) i++;
  const mark = (s: string) => (
    <>
      {s.slice(0, i)}
      <mark>{s.slice(i)}</mark>
    </>
  );
  return (
    <div className="fingerprints" role="group" aria-label="Fingerprints side by side">
      <div>
        <span className="muted">the key&apos;s request</span>
        <code className="mono">{mark(stored)}</code>
      </div>
      <div>
        <span className="muted">request at {at.slice(11, 23)} UTC</span>
        <code className="mono">{mark(other)}</code>
      </div>
    </div>
  );
}
