import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/NotBuiltYet";

export const metadata: Metadata = { title: "Clients" };

export default function Page() {
  return (
    <NotBuiltYet
      title="Clients"
      issue={6}
      what="Requests, keys, retries per key, conflicts and mismatches per client, with sparklines and retry-storm flags."
    />
  );
}
