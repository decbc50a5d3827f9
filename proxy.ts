import { NextResponse, type NextRequest } from "next/server";
import { allowedPorts, checkHost } from "@/lib/security/request-checks";

/**
 * Runs before every request (pages, API, static files): refuse any Host that is not a
 * loopback name with the app's port. This is what stops DNS rebinding. State-changing
 * handlers check Origin and the launch token themselves as well.
 */
export function proxy(request: NextRequest) {
  const verdict = checkHost(request.headers.get("host"), allowedPorts());
  if (!verdict.ok) {
    return NextResponse.json({ error: verdict.error, detail: verdict.detail }, { status: verdict.status });
  }
  return NextResponse.next();
}
