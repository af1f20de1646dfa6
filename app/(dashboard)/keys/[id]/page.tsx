import type { Metadata } from "next";
import { LifecyclePage } from "../_lifecycle/lifecycle-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Key lifecycle" };

export default async function KeyByIdPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <LifecyclePage address={{ id }} />;
}
