import { AppLink as Link } from "@/components/ui/AppLink";

/** An address that names no key: neither a live row nor any event (purged keys keep theirs). */
export function KeyNotFound() {
  return (
    <div className="page">
      <h1>No such key</h1>
      <section className="card empty-state">
        <p>
          No key and no event of one matches this address. Keys are matched exactly, including case;
          a key whose row was purged is still found through its events.
        </p>
        <p>
          <Link href="/keys">Search keys →</Link>
        </p>
      </section>
    </div>
  );
}
