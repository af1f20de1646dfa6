import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Stuck keys" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Stuck keys"
      issue={4}
      what="Stuck and orphaned in-progress keys, filterable by endpoint, client, age and lock owner, with audited release and fail actions."
    />
  );
}
