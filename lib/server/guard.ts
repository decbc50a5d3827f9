import "server-only";
import { randomBytes } from "node:crypto";
import type { NextResponse } from "next/server";
import { checkSameOrigin, TOKEN_HEADER } from "@/lib/security/request-checks";
import { allowedHostPorts } from "./config";
import { jsonError } from "./http";
import { processSingleton } from "./singleton";

/** A token made once per server launch; the page gets it from the server when rendered. */
export function launchToken(): string {
  return processSingleton("__podAnatomyToken", () => randomBytes(24).toString("hex"));
}

/** For state-changing handlers: null when allowed, else the refusal to return. */
export function refuseUnlessSameOrigin(req: Request): NextResponse | null {
  const h = req.headers;
  const verdict = checkSameOrigin(
    { host: h.get("host"), origin: h.get("origin"), secFetchSite: h.get("sec-fetch-site"), token: h.get(TOKEN_HEADER) },
    allowedHostPorts(),
    launchToken(),
  );
  return verdict.ok ? null : jsonError(verdict.status, verdict.error, verdict.detail);
}
