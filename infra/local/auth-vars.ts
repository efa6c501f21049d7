/**
 * Auth for `npm start`. wrangler.toml turns auth on for deployed workers; locally it is off unless
 * EDGEFLOW_AUTH=on is in the environment, so `npm start` keeps working with nothing to set up.
 * With it on, the first admin comes from EDGEFLOW_ADMIN_USERNAME / EDGEFLOW_ADMIN_PASSWORD, as
 * the wrangler secrets provide it when deployed.
 */
const PASSED_THROUGH = [
  "EDGEFLOW_ADMIN_USERNAME",
  "EDGEFLOW_ADMIN_PASSWORD",
  "EDGEFLOW_DEFAULT_PERMISSION",
  "EDGEFLOW_ALLOWED_HOSTS",
  "EDGEFLOW_CORS_ORIGINS",
  // Not auth, but operator settings passed the same way: loopback hosts outbound calls (gateway
  // providers, the Hub) may reach, and the gateway's provider timeout.
  "EDGEFLOW_OUTBOUND_ALLOW",
  "GATEWAY_TIMEOUT_MS",
] as const;

export function localAuthVars(environment: NodeJS.ProcessEnv = process.env): {
  vars: Record<string, string>;
  summary: string;
} {
  const on = ["on", "true", "1", "yes"].includes((environment.EDGEFLOW_AUTH ?? "").trim().toLowerCase());
  const vars: Record<string, string> = { EDGEFLOW_AUTH: on ? "on" : "off" };
  for (const name of PASSED_THROUGH) {
    const value = environment[name];
    if (value) vars[name] = value;
  }
  if (!on) {
    return {
      vars,
      summary:
        "OFF: anyone who can reach this port can read and write everything (EDGEFLOW_AUTH=on npm start turns it on)",
    };
  }
  const admin = environment.EDGEFLOW_ADMIN_USERNAME;
  return {
    vars,
    summary: admin
      ? `ON (first admin: '${admin}' from EDGEFLOW_ADMIN_USERNAME / EDGEFLOW_ADMIN_PASSWORD)`
      : "ON, but no admin is configured: requests answer 503 until EDGEFLOW_ADMIN_USERNAME and EDGEFLOW_ADMIN_PASSWORD are set",
  };
}
