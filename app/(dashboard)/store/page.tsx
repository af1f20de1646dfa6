import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Store" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Store"
      issue={6}
      what="Rows and bytes per table over time, growth and projection to the size budget, purger health and the TTL advisor."
    />
  );
}
