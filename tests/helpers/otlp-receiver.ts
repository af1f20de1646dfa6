// idemscope's POST /v1/traces route handler behind a plain HTTP server, so that a real exporter
// (the OpenTelemetry SDK in another process) can send to it during an integration test.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST } from "../../app/v1/traces/route";

export type Receiver = { url: string; close: () => Promise<void> };

export async function startOtlpReceiver(): Promise<Receiver> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === "POST" ? (Readable.toWeb(req) as ReadableStream) : undefined,
        duplex: "half",
      } as RequestInit);
      const answer =
        req.url === "/v1/traces" ? await POST(request) : new Response("", { status: 404 });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
