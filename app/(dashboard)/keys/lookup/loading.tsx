import { PageSkeleton } from "@/components/ui/PageSkeleton";

export default function Loading() {
  return <PageSkeleton title="Key lifecycle" tiles={4} rows={8} />;
}
