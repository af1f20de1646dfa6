/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and pino are server-only Node modules; keep them out of the bundler.
  serverExternalPackages: ["pg", "pino", "prom-client"],
  // Playwright and the demo run a dev server against 127.0.0.1.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
};

export default nextConfig;
