import type { Metadata } from "next";
import { Banner } from "@/components/ui/Banner";
import type { RawSearchParams } from "../../search-params";
import { LifecyclePage } from "../_lifecycle/lifecycle-page";

// No loading.tsx here or above (the list pages keep theirs in route groups): a skeleton streamed
// first would fix the status at 200, and an unknown key or client must answer 404.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Key lifecycle" };

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

// The stable address of an intent: /keys/lookup?scope=&endpoint=&key=
export default async function KeyByIntentPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const sp = await searchParams;
  const [scope, endpoint, key] = [one(sp.scope), one(sp.endpoint), one(sp.key)];
  if (!scope || !endpoint || !key) {
    return (
      <div className="page">
        <h1>Key lifecycle</h1>
        <Banner tone="bad" title="This address is incomplete.">
          A key is addressed by its client, endpoint and key:
          /keys/lookup?scope=…&amp;endpoint=…&amp;key=…
        </Banner>
      </div>
    );
  }
  return <LifecyclePage address={{ scope, endpoint, key }} />;
}
