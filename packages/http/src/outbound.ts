import { MlflowError } from "@edgeflow/schema";

/**
 * Calls Edgeflow makes to outside services (the Hugging Face Hub; later LLM providers and webhook
 * receivers) go through here, so none can be steered at the platform's own network: loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT and unspecified
 * addresses, `localhost` and `*.localhost`/`*.internal`/`*.local` names are refused, as is any
 * scheme but https, unless EDGEFLOW_OUTBOUND_ALLOW names the host (`host` or `host:port`,
 * comma-separated; tests name their loopback stand-ins this way). Redirects are followed by hand
 * and every hop is checked again: a public URL answering 302 to an internal one gets nowhere.
 * Names are checked as written; a public name that resolves to a private address cannot be seen
 * from a Worker (no DNS API), and Cloudflare's own egress does not reach private networks.
 */

const MAX_REDIRECTS = 5;

function ipv4Parts(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((n) => n <= 255) ? numbers : undefined;
}

function isInternalIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

function isInternalIpv6(host: string): boolean {
  const address = host.toLowerCase();
  if (address === "::" || address === "::1") return true;
  // IPv4-mapped (::ffff:10.0.0.1, or the URL parser's hex form ::ffff:a00:1) → check the IPv4 part.
  const mapped = /^::ffff:(.+)$/.exec(address)?.[1];
  if (mapped) {
    const dotted = ipv4Parts(mapped);
    if (dotted) return isInternalIpv4(dotted);
    const [high = "0", low = "0"] = mapped.split(":");
    const value = (Number.parseInt(high, 16) << 16) | Number.parseInt(low, 16);
    return isInternalIpv4([(value >>> 24) & 255, (value >>> 16) & 255]);
  }
  return /^f[cd]/.test(address) || /^fe[89ab]/.test(address) || address.startsWith("ff");
}

function isInternalHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host.includes(":")) return isInternalIpv6(host);
  const v4 = ipv4Parts(host);
  if (v4) return isInternalIpv4(v4);
  // The URL parser already turned decimal/hex/octal IPv4 forms ("2130706433", "0x7f.1") into dotted ones.
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".internal") ||
    host.endsWith(".local") ||
    !host.includes(".")
  );
}

/** The hosts EDGEFLOW_OUTBOUND_ALLOW names: "host" (any port) or "host:port". */
export function outboundAllowList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

/** Throws a 400 naming why the URL may not be called; returns the parsed URL otherwise. */
export function checkOutboundUrl(raw: string, allow: readonly string[], purpose: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw MlflowError.invalidParameter(`${purpose}: '${raw}' is not a URL.`);
  }
  const host = url.hostname.toLowerCase();
  const allowed = allow.includes(host) || allow.includes(url.host.toLowerCase());
  if (url.username || url.password) {
    throw MlflowError.invalidParameter(`${purpose}: URLs with credentials in them are refused.`);
  }
  if (!allowed && isInternalHost(host)) {
    throw MlflowError.invalidParameter(
      `${purpose}: ${url.host} is a loopback, private or internal address, which Edgeflow does not call unless EDGEFLOW_OUTBOUND_ALLOW names it.`,
    );
  }
  if (!allowed && url.protocol !== "https:") {
    throw MlflowError.invalidParameter(
      `${purpose}: only https URLs are called (got ${url.protocol}//${url.host}); EDGEFLOW_OUTBOUND_ALLOW can name a host to allow.`,
    );
  }
  if (allowed && url.protocol !== "https:" && url.protocol !== "http:") {
    throw MlflowError.invalidParameter(`${purpose}: the scheme ${url.protocol} is never called.`);
  }
  return url;
}

/**
 * fetch() for outside services: the URL and every redirect's target checked as above, redirects
 * followed by hand (at most 5), the Authorization header dropped when a redirect leaves the
 * first host (as browsers and huggingface_hub do).
 */
export async function outboundFetch(
  raw: string,
  init: RequestInit & { headers?: Record<string, string> },
  allow: readonly string[],
  purpose: string,
): Promise<Response> {
  let url = checkOutboundUrl(raw, allow, purpose);
  const firstHost = url.host;
  let headers: Record<string, string> = { ...init.headers };
  for (let hop = 0; ; hop += 1) {
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    const location = response.headers.get("Location");
    if (response.status < 300 || response.status > 399 || !location) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) {
      throw MlflowError.invalidParameter(`${purpose}: more than ${MAX_REDIRECTS} redirects from ${raw}.`);
    }
    url = checkOutboundUrl(new URL(location, url).toString(), allow, purpose);
    if (url.host !== firstHost) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"),
      );
    }
  }
}
