import "server-only";
import { randomBytes } from "node:crypto";
import type { NextResponse } from "next/server";
import { appPort, checkSameOrigin, TOKEN_HEADER } from "@/lib/security/request-checks";
import { jsonError } from "./http";

/** A token made once per server launch; the page gets it from the server when rendered. */
export function launchToken(): string {
  const g = globalThis as { __podAnatomyToken?: string };
  g.__podAnatomyToken ??= randomBytes(24).toString("hex");
  return g.__podAnatomyToken;
}

/** For state-changing handlers: null when allowed, else the refusal to return. */
export function refuseUnlessSameOrigin(req: Request): NextResponse | null {
  const h = req.headers;
  const verdict = checkSameOrigin(
    { host: h.get("host"), origin: h.get("origin"), secFetchSite: h.get("sec-fetch-site"), token: h.get(TOKEN_HEADER) },
    appPort(),
    launchToken(),
  );
  return verdict.ok ? null : jsonError(verdict.status, verdict.error, verdict.detail);
}
