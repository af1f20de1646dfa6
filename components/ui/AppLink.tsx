"use client";

import Link from "next/link";
import type { ComponentProps, MouseEvent } from "react";
import { NAVIGATION_FALLBACK_KEY } from "@/lib/client/navigation";
import { isAppReady } from "./ReadyMark";

/** How long a client-side navigation may leave the URL unchanged before the browser takes over. */
const NAVIGATION_WATCHDOG_MS = 4000;

let clicks = 0;

const plainClick = (e: MouseEvent<HTMLAnchorElement>) =>
  e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

function browserNavigates(target: string, replace: boolean | undefined, lost: boolean): void {
  if (lost)
    try {
      sessionStorage.setItem(NAVIGATION_FALLBACK_KEY, target);
    } catch {
      // storage may be disabled: the navigation matters more than the note
    }
  if (replace) window.location.replace(target);
  else window.location.assign(target);
}

/**
 * next/link, with the guarantee a plain link gives: a click navigates. A click that arrives while
 * the page is still hydrating (before ReadyMark) goes to the browser as a full navigation; a
 * client-side navigation that has not moved the URL at all within a few seconds, with no other
 * click since, is handed to the browser too (docs/reliability.md, "A click always navigates").
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
          browserNavigates(target, props.replace, false);
          return;
        }
        const from = window.location.href;
        if (from === target) return;
        const click = ++clicks;
        const started = Date.now();
        // the URL is watched, not just compared at the end: a navigation that moved it (and maybe
        // came back, with Back or a redirect) has happened and is left alone
        const watch = window.setInterval(() => {
          if (window.location.href !== from || clicks !== click) window.clearInterval(watch);
          else if (Date.now() - started >= NAVIGATION_WATCHDOG_MS) {
            window.clearInterval(watch);
            browserNavigates(target, props.replace, true);
          }
        }, 200);
      }}
    />
  );
}
