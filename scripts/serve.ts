// The server idemscope runs in (`npm start`, the demo): Next.js behind a thin node:http layer
// that tells the app who is on the other end of the socket. Next.js hides the socket from route
// handlers and only fills x-forwarded-for when it is absent, so a client could forge it; here any
// incoming peer headers are dropped and set from the socket, with a per-process token
// (lib/auth/peer.ts). Trusted-proxy auth and the demo's loopback check rely on it.
import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { hostAllowed, hostCheckApplies, hostRefusal } from "../lib/auth/host";
import { PEER_HEADER, PEER_TOKEN_ENV, PEER_TOKEN_HEADER } from "../lib/auth/peer";
import { repeatedIdentityHeaders } from "../lib/auth/proxy-headers";
import { ConfigError, parseConfig, type Config } from "../lib/core/config";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    hostname: { type: "string", default: process.env.HOSTNAME ?? "0.0.0.0" },
    dev: { type: "boolean", default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`--port: "${values.port}" is not a port number`);
  process.exit(2);
}

// A bad variable stops the server here, with a message that names it and never quotes a secret,
// instead of every request answering with the error.
let cfg: Config;
try {
  cfg = parseConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`idemscope: ${err.message}`);
  process.exit(2);
}
const checkHost = hostCheckApplies(cfg.auth);
if (cfg.metricsPublic && cfg.auth.configured)
  console.warn(
    "idemscope: WARNING IDEMSCOPE_METRICS_PUBLIC=1: /api/metrics answers anyone, although authentication is configured",
  );

const peerToken = randomBytes(24).toString("base64url");
process.env[PEER_TOKEN_ENV] = peerToken;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const app = next({ dev: values.dev, dir: root, hostname: values.hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(`${text}\n`);
}

const server = createServer((req, res) => {
  // 421 Misdirected Request: this server is not the one that name is meant for
  if (checkHost && !hostAllowed(req.headers.host ?? null, cfg.auth, port))
    return refuse(res, 421, hostRefusal(req.headers.host ?? null));
  const repeated = repeatedIdentityHeaders(req.rawHeaders);
  if (repeated.length > 0)
    return refuse(
      res,
      400,
      `${repeated.join(", ")} sent more than once: the SSO proxy must replace client-sent identity headers, not append to them`,
    );
  delete req.headers[PEER_HEADER];
  delete req.headers[PEER_TOKEN_HEADER];
  // Next.js' internal recursion marker: never accepted from outside (CVE-2025-29927's vector).
  delete req.headers["x-middleware-subrequest"];
  const remote = req.socket.remoteAddress;
  if (remote) {
    req.headers[PEER_HEADER] = remote;
    req.headers[PEER_TOKEN_HEADER] = peerToken;
  }
  void handle(req, res);
});
server.requestTimeout = 60_000;
server.headersTimeout = 20_000;
server.on("error", (err: NodeJS.ErrnoException) => {
  console.error(
    err.code === "EADDRINUSE" ? `port ${port} is already in use` : `server error: ${err.message}`,
  );
  process.exit(1);
});
server.listen(port, values.hostname, () => {
  console.log(`idemscope listening on http://${values.hostname}:${port}/`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
