import { PageSkeleton } from "@/components/ui/PageSkeleton";

export default function Loading() {
  return <PageSkeleton title="Client" tiles={4} charts={1} rows={6} />;
}
