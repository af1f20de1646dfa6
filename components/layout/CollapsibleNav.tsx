"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import type { ReactNode } from "react";

/**
 * The sidebar's contents, behind a "Menu" button on a phone (the sidebar becomes a bar at the top:
 * at 390 px it took half the width); always shown on a wider screen, where the button is hidden
 * (app/globals.css). Closes when the page changes.
 */
export function CollapsibleNav({ children }: { children: ReactNode }) {
  // open on the page it was opened on: another page closes it
  const path = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  return (
    <>
      <button
        type="button"
        className="nav-toggle"
        aria-expanded={open}
        aria-controls="sidebar-body"
        onClick={() => setOpenOn(open ? null : path)}
      >
        {open ? "Close" : "Menu"}
      </button>
      <div id="sidebar-body" className={`sidebar-body${open ? " open" : ""}`}>
        {children}
      </div>
    </>
  );
}
