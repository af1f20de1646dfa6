"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { REFRESH_CHOICES, type RefreshSeconds } from "@/lib/client/refresh";

/** Auto-refresh interval selector; 0 pauses. Kept in the URL (?refresh=). */
export function RefreshControl({ current }: { current: RefreshSeconds }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <label className="refresh-control">
      <span className="muted">Auto-refresh</span>
      <select
        value={current}
        aria-label="Auto-refresh interval"
        onChange={(e) => {
          const next = new URLSearchParams(params.toString());
          next.set("refresh", e.target.value);
          router.replace(`${pathname}?${next.toString()}`, { scroll: false });
        }}
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
