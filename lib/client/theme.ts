// The colour theme a viewer chose in the sidebar (components/ui/ThemeSwitch.tsx): light, dark, or
// the system's (prefers-color-scheme). A cookie, so that the server renders the chosen one at once.
export type Theme = "system" | "light" | "dark";
export const THEME_COOKIE = "idemscope-theme";
