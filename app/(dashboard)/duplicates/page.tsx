import type { Metadata } from "next";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { DuplicatesClient } from "./client";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Duplicate successes" };

export default async function DuplicatesPage() {
  const viewer = viewerInfo(await currentViewer());
  return <DuplicatesClient viewer={viewer} />;
}
