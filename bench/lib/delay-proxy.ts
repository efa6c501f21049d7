/**
 * A reverse proxy on 127.0.0.1 that holds each request for `delayMs` before passing it on, body
 * streamed both ways: a loopback S3 server answers in about a millisecond, a bucket reached from a
 * Worker (R2, S3) in tens of them, and whether a cold start waits for its reads one after another
 * only shows with a real round trip.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface DelayProxy {
  url: string;
  close(): Promise<void>;
}

export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    setTimeout(() => {
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => outgoing.destroy());
      incoming.pipe(forwarded);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
