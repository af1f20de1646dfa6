import type { ReactNode } from "react";
import { NavLinks, type NavItem } from "./NavLinks";

const NAV: NavItem[] = [
  { href: "/", label: "Overview", hint: "Live health of the store" },
  { href: "/stuck", label: "Stuck keys", hint: "In-progress keys whose worker died" },
  { href: "/keys", label: "Key search", hint: "Trace one key's lifecycle" },
  { href: "/clients", label: "Clients", hint: "Retries per client" },
  { href: "/trends", label: "Trends", hint: "Duplicate success rate over weeks" },
  { href: "/store", label: "Store", hint: "Growth, purger health, TTL advisor" },
  { href: "/audit", label: "Audit", hint: "Every operator action" },
];

export function AppShell({ children, demo }: { children: ReactNode; demo: boolean }) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            ◎
          </span>
          idemscope
        </div>
        <NavLinks items={NAV} />
        {demo ? (
          <p className="sidebar-note">Demo mode: simulated traffic on an embedded PostgreSQL.</p>
        ) : null}
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
