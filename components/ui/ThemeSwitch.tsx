"use client";

import { useState } from "react";
import { THEME_COOKIE, type Theme } from "@/lib/client/theme";

/**
 * Light, dark, or the system's choice (prefers-color-scheme): the cookie lets the server render
 * the chosen one at once (app/layout.tsx sets `data-theme`), so a dark page never flashes white.
 */
export function ThemeSwitch({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    document.cookie =
      next === "system"
        ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`
        : `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    if (next === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = next;
  };
  return (
    <label className="tz-switch">
      <span>Theme</span>
      <select
        value={theme}
        onChange={(e) => choose(e.target.value as Theme)}
        aria-label="Colour theme"
      >
        <option value="system">as the system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}
