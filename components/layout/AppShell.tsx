import type { ReactNode } from "react";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { FoldBanner } from "./FoldBanner";
import { NavLinks, type NavItem } from "./NavLinks";
import { TimeZoneSwitch } from "@/components/ui/TimeZone";
import { CollapsibleNav } from "./CollapsibleNav";
import { ThemeSwitch } from "@/components/ui/ThemeSwitch";
import type { Theme } from "@/lib/client/theme";

const NAV: NavItem[] = [
  { href: "/", label: "Overview", hint: "Live health of the store" },
  { href: "/stuck", label: "Stuck keys", hint: "In-progress keys whose worker died" },
  { href: "/keys", label: "Key search", hint: "Trace one key's lifecycle" },
  { href: "/clients", label: "Clients", hint: "Retries per client" },
  { href: "/trends", label: "Trends", hint: "Duplicate success rate over weeks" },
  { href: "/duplicates", label: "Duplicates", hint: "Duplicate successes to reconcile" },
  { href: "/store", label: "Store", hint: "Growth, purger health, TTL advisor" },
  { href: "/audit", label: "Audit", hint: "Every operator action" },
];

const METHOD_LABELS = { proxy: "single sign-on", token: "API token", anonymous: "no sign-in" };

function WhoAmI({ viewer }: { viewer: ViewerInfo }) {
  return (
    <div className="whoami" data-testid="whoami">
      {viewer.name ? (
        <>
          <span className="whoami-name">{viewer.name}</span>
          <span className={`role-pill role-${viewer.role}`}>{viewer.role}</span>
          <span className="whoami-method">{viewer.method ? METHOD_LABELS[viewer.method] : ""}</span>
        </>
      ) : (
        <span className="whoami-name">not signed in</span>
      )}
      {viewer.readOnly ? <span className="role-pill role-readonly">read-only mode</span> : null}
    </div>
  );
}

export function AppShell({
  children,
  demo,
  viewer,
  theme,
}: {
  children: ReactNode;
  demo: boolean;
  viewer: ViewerInfo;
  theme: Theme;
}) {
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            ◎
          </span>
          idemscope
        </div>
        <CollapsibleNav>
          {/* a plain GET form: works before (and without) JavaScript */}
          <form className="global-search" role="search" action="/keys" method="get">
            <input
              name="key"
              type="search"
              placeholder="Find a key…"
              aria-label="Find an idempotency key"
              maxLength={255}
            />
          </form>
          <NavLinks items={NAV} />
          <WhoAmI viewer={viewer} />
          <TimeZoneSwitch />
          <ThemeSwitch initial={theme} />
          {demo ? (
            <p className="sidebar-note">Demo mode: simulated traffic on an embedded PostgreSQL.</p>
          ) : null}
        </CollapsibleNav>
      </aside>
      <main className="content" id="content" tabIndex={-1}>
        <FoldBanner />
        {children}
      </main>
    </div>
  );
}
