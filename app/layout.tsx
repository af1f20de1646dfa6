import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/AppShell";
import { ReadyMark } from "@/components/ui/ReadyMark";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { config } from "@/lib/core/config";
import { cookies } from "next/headers";
import { TIME_ZONE_COOKIE, zoneOfCookie } from "@/lib/client/time-zone";
import { THEME_COOKIE } from "@/lib/client/theme";
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
  const jar = await cookies();
  const zone = zoneOfCookie(jar.get(TIME_ZONE_COOKIE)?.value);
  const chosen = jar.get(THEME_COOKIE)?.value;
  const theme = chosen === "light" || chosen === "dark" ? chosen : undefined;
  return (
    <html lang="en" data-theme={theme}>
      <body>
        <Providers zone={zone}>
          <AppShell demo={isDemo()} viewer={viewer} theme={theme ?? "system"}>
            {children}
          </AppShell>
        </Providers>
        <ReadyMark />
      </body>
    </html>
  );
}
