import { AppLink as Link } from "@/components/ui/AppLink";

export default function NotFound() {
  return (
    <div className="page">
      <section className="card empty-state">
        <h2>Page not found</h2>
        <p>There is no page at this address.</p>
        <p>
          <Link href="/">Go to the overview</Link>
        </p>
      </section>
    </div>
  );
}
