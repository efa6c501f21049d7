import { createServer } from "node:net";

/** A port that was free a moment ago on 127.0.0.1 (0 in configuration means "pick one"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** PORT-style setting: unset → the default, "0" → any free port, otherwise that port. */
export async function portFromEnv(name: string, fallback: number): Promise<number> {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got '${raw}'`);
  return port === 0 ? freePort() : port;
}
