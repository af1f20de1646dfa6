"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { REFRESH_CHOICES, type RefreshSeconds } from "@/lib/client/refresh";

/** Auto-refresh interval selector; 0 pauses. Kept in the URL (?refresh=). */
export function RefreshControl({ current }: { current: RefreshSeconds }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const select = useRef<HTMLSelectElement>(null);
  const choose = (value: string) => {
    const next = new URLSearchParams(params.toString());
    next.set("refresh", value);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  // A choice made before the page hydrated changed the menu but reached no handler (hydration
  // leaves a select's value as the user set it): apply it now, instead of showing "paused" while
  // polling every 5 s.
  useEffect(() => {
    const chosen = select.current?.value;
    if (chosen !== undefined && chosen !== String(current)) choose(chosen);
    // on mount only: later choices go through onChange
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <label className="refresh-control">
      <span className="muted">Auto-refresh</span>
      {/* uncontrolled, remounted when the URL's choice changes: a controlled select is set back to
          its value by any re-render, and a change React replays after hydration would then read
          that value instead of the one the user chose */}
      <select
        key={current}
        ref={select}
        defaultValue={current}
        aria-label="Auto-refresh interval"
        onChange={(e) => choose(e.target.value)}
      >
        {REFRESH_CHOICES.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? "paused" : s < 60 ? `every ${s} s` : `every ${s / 60} min`}
          </option>
        ))}
      </select>
    </label>
  );
}
