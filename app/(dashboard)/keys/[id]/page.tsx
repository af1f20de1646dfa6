import type { Metadata } from "next";
import { Banner } from "@/components/ui/Banner";
import { AppLink as Link } from "@/components/ui/AppLink";
import { keyIdSchema } from "@/lib/query/params/action-schemas";
import { LifecyclePage } from "../_lifecycle/lifecycle-page";

// No loading.tsx here or above (the list pages keep theirs in route groups): a skeleton streamed
// first would fix the status at 200, and an unknown key or client must answer 404.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Key lifecycle" };

export default async function KeyByIdPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const parsed = keyIdSchema.safeParse(id);
  if (!parsed.success) {
    // said at once, as the API's 400 says it, instead of a page that retries a bad address
    return (
      <div className="page">
        <h1>Key lifecycle</h1>
        <Banner tone="bad" title={`“${id}” is not a key id.`}>
          {parsed.error.issues[0]?.message ?? "a key id is a whole number"}.{" "}
          <Link href="/keys">Search keys</Link> by key, client or time instead.
        </Banner>
      </div>
    );
  }
  return <LifecyclePage address={{ id }} />;
}
