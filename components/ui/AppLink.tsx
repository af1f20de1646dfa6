"use client";

import Link from "next/link";
import type { ComponentProps, MouseEvent } from "react";
import { isAppReady } from "./ReadyMark";

/** How long a client-side navigation may take to change the URL before the browser does it. */
const NAVIGATION_WATCHDOG_MS = 4000;

const plainClick = (e: MouseEvent<HTMLAnchorElement>) =>
  e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

/**
 * next/link, with the guarantee a plain link gives: a click navigates. A click that arrives while
 * the page is still hydrating (React dispatches it before the router has committed) goes to the
 * browser as a full navigation; a client-side navigation that has not changed the URL after a
 * few seconds is handed to the browser too (docs/reliability.md, "A click always navigates").
 */
export function AppLink({ onClick, ...props }: ComponentProps<typeof Link>) {
  return (
    <Link
      {...props}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || !plainClick(e)) return;
        const target = e.currentTarget.href;
        if (!isAppReady()) {
          e.preventDefault();
          window.location.assign(target);
          return;
        }
        const from = window.location.href;
        if (from === target) return;
        window.setTimeout(() => {
          if (window.location.href === from) window.location.assign(target);
        }, NAVIGATION_WATCHDOG_MS);
      }}
    />
  );
}
