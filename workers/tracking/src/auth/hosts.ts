/**
 * DNS rebinding: a page on an attacker's domain that resolves to 127.0.0.1 reaches a local
 * server with the attacker's Host header (and, with auth off, full access). Requests are served
 * only for the hosts in EDGEFLOW_ALLOWED_HOSTS (comma-separated; `*.example.com` matches
 * subdomains, `*` anything). Unset, that is loopback plus *.workers.dev: on Cloudflare a request
 * only reaches the worker through hostnames its owner routed to it, so a custom domain must be
 * listed.
 */
export const DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "*.workers.dev"];

export function allowedHostsOf(value: string | undefined): string[] {
  const hosts = (value ?? "")
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== "");
  return hosts.length > 0 ? hosts : DEFAULT_ALLOWED_HOSTS;
}

/** `hostname` as URL parses it: lower-case, no port, IPv6 in brackets. */
export function isHostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return allowed.some((pattern) => {
    if (pattern === "*") return true;
    if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return host === pattern;
  });
}
