import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/**
 * Security headers on every response. The production CSP has no 'unsafe-eval'; scripts keep
 * 'unsafe-inline' because Next.js streams its hydration data in inline scripts (a nonce would
 * force every page to render per request). Development adds what React's refresh needs.
 */
function securityHeaders(dev) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'", // recharts and React style attributes
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ];
}

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  const dev = phase === PHASE_DEVELOPMENT_SERVER;
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // pg and pino are server-only Node modules; keep them out of the bundler.
    serverExternalPackages: ["pg", "pino", "prom-client"],
    // Playwright and the demo run a dev server against 127.0.0.1.
    allowedDevOrigins: ["127.0.0.1", "localhost"],
    async headers() {
      return [{ source: "/:path*", headers: securityHeaders(dev) }];
    },
  };
}
