import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Trends" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Trends"
      issue={6}
      what="The daily duplicate success rate against its 0.1 % target, duplicates prevented, manual interventions and store growth."
    />
  );
}
