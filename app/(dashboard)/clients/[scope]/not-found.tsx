import { AppLink as Link } from "@/components/ui/AppLink";

export default function NotFound() {
  return (
    <div className="page">
      <h1>Client</h1>
      <section className="card empty-state">
        <h2>Unknown client</h2>
        <p>
          No request from this client is recorded. Client names are matched exactly, including case.
        </p>
        <p>
          <Link href="/clients">All clients →</Link>
        </p>
      </section>
    </div>
  );
}
