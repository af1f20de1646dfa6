import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Key search" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Key search"
      issue={5}
      what="Find a key by value or prefix, client, endpoint, status and time, and trace its lifecycle from first request to expiry."
    />
  );
}
