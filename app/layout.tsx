import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/AppShell";
import { ReadyMark } from "@/components/ui/ReadyMark";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { config } from "@/lib/core/config";
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
  return (
    <html lang="en">
      <body>
        <Providers>
          <AppShell demo={isDemo()} viewer={viewer}>
            {children}
          </AppShell>
        </Providers>
        <ReadyMark />
      </body>
    </html>
  );
}
