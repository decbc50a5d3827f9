/**
 * Who may talk to Pod Anatomy. Pure functions of request headers, so they can be tested
 * exhaustively; proxy.ts and the state-changing route handlers call them.
 *
 * Pod Anatomy can start containers, which is root on the host. So:
 *   - every request must carry a Host that is a loopback name with the app's port: a DNS
 *     rebinding page (evil.example resolving to 127.0.0.1) sends Host: evil.example;
 *   - a state-changing request must also come from the app's own page: Origin equal to
 *     the Host (never missing, never "null"), Sec-Fetch-Site same-origin when the browser
 *     sends it, and the per-launch token the page received from the server.
 */

/** The header the page sends its launch token in. */
export const TOKEN_HEADER = "x-pod-anatomy-token";

/** The port the app serves on (the start scripts set PORT; Next's default is 3000). */
export function appPort(env: Record<string, string | undefined> = process.env): string {
  return env.PORT ?? "3000";
}

/**
 * The ports a request's Host may name: the app's own port, and the host ports the user
 * published it on (POD_ANATOMY_PUBLIC_PORT, comma-separated: in a container started with
 * `-p 127.0.0.1:3001:3000` the browser sends Host: localhost:3001). Anything that is not a
 * port number (1-65535) is ignored.
 */
export function allowedPorts(env: Record<string, string | undefined> = process.env): string[] {
  const ports = [appPort(env)];
  for (const raw of (env.POD_ANATOMY_PUBLIC_PORT ?? "").split(",")) {
    const p = raw.trim();
    if (/^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535 && !ports.includes(String(Number(p)))) ports.push(String(Number(p)));
  }
  return ports;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export type Verdict = { ok: true } | { ok: false; status: 400 | 403; error: string; detail: string };

const deny = (status: 400 | 403, error: string, detail: string): Verdict => ({ ok: false, status, error, detail });

/** Split a Host header into name and port; null when malformed. */
export function parseHost(host: string): { name: string; port: string } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), port: m[2] ?? "80" };
}

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The Host check, for every request. `appPort`: the port, or the ports (allowedPorts), Host may name. */
export function checkHost(host: string | null, appPort: string | readonly string[]): Verdict {
  const ports = typeof appPort === "string" ? [appPort] : appPort;
  if (!host) return deny(400, "Missing Host header", "Send a Host header naming localhost.");
  const parsed = parseHost(host);
  if (!parsed) return deny(400, "Malformed Host header", "Host must be a host name with an optional port.");
  if (!isLoopbackName(parsed.name) || !ports.includes(parsed.port)) {
    const shown = ports.join(" or ");
    return deny(
      403,
      "Host not allowed",
      `Pod Anatomy only answers to loopback names on port ${shown} (http://localhost:${ports[ports.length - 1]}); this protects against DNS rebinding.`,
    );
  }
  return { ok: true };
}

/** The same-origin check, for every state-changing request (POST, DELETE). */
export function checkSameOrigin(
  headers: { host: string | null; origin: string | null; secFetchSite: string | null; token: string | null },
  appPort: string | readonly string[],
  launchToken: string,
): Verdict {
  const host = checkHost(headers.host, appPort);
  if (!host.ok) return host;
  if (!headers.origin || headers.origin === "null") {
    return deny(403, "Missing Origin", "Changes are accepted only from Pod Anatomy's own page (the Origin header is required).");
  }
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    return deny(403, "Malformed Origin", "The Origin header is not a URL.");
  }
  if (origin.protocol !== "http:" || origin.host !== headers.host!.trim().toLowerCase()) {
    return deny(403, "Cross-origin request refused", `Origin ${headers.origin} is not this app (http://${headers.host}).`);
  }
  if (headers.secFetchSite !== null && headers.secFetchSite !== "same-origin") {
    return deny(403, "Cross-site request refused", `Sec-Fetch-Site is ${headers.secFetchSite}; only same-origin requests may change anything.`);
  }
  if (!headers.token || !timingSafeEqualStrings(headers.token, launchToken)) {
    return deny(403, "Missing or wrong launch token", "Reload the page: it carries the token this server issued at start-up.");
  }
  return { ok: true };
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
