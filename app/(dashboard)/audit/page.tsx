import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Audit" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Audit"
      issue={4}
      what="Every operator action: who, when, what, why, with the key's state before and after."
    />
  );
}
