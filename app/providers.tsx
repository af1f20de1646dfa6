"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "@/lib/client/queries/query-client";
import { TimeZoneProvider } from "@/components/ui/TimeZone";

export function Providers({ zone, children }: { zone: string; children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <QueryClientProvider client={queryClient}>
      <TimeZoneProvider initialZone={zone}>{children}</TimeZoneProvider>
    </QueryClientProvider>
  );
}
