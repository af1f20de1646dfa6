import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/AppShell";
import { ReadyMark } from "@/components/ui/ReadyMark";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { config } from "@/lib/core/config";
import { cookies } from "next/headers";
import { TIME_ZONE_COOKIE, zoneOfCookie } from "@/lib/client/time-zone";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "idemscope", template: "%s · idemscope" },
  description: "Observability and operations for PostgreSQL idempotency stores",
};

function isDemo(): boolean {
  try {
    return config().demo;
  } catch {
    return false;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = viewerInfo(await currentViewer());
  // the viewer's zone as their last page remembered it: this page renders in it at once
  const zone = zoneOfCookie((await cookies()).get(TIME_ZONE_COOKIE)?.value);
  return (
    <html lang="en">
      <body>
        <Providers zone={zone}>
          <AppShell demo={isDemo()} viewer={viewer}>
            {children}
          </AppShell>
        </Providers>
        <ReadyMark />
      </body>
    </html>
  );
}
