/**
 * Where AppLink notes that a client-side navigation never moved the URL and the browser had to
 * take over (sessionStorage: it survives the full load). The end-to-end stories fail when it is set.
 */
export const NAVIGATION_FALLBACK_KEY = "idemscope:navigation-fallback";
