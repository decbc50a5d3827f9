/**
 * The browser's side of the API: the snapshot fetcher for SWR and the calls that change
 * things (they carry the launch token; the browser adds Origin and Sec-Fetch-Site).
 */
import type { Snapshot } from "@/lib/model/types";
import { TOKEN_HEADER } from "@/lib/security/request-checks";


export class ApiError extends Error {
  constructor(
    message: string,
    readonly detail: string | undefined,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string; detail?: string };
  if (!res.ok) throw new ApiError(body.error ?? `HTTP ${res.status}`, body.detail, res.status);
  return body as T;
}

export const fetchSnapshot = (url: string): Promise<Snapshot> => fetch(url, { cache: "no-store" }).then((r) => parse<Snapshot>(r));

export function createDemoPod(token: string): Promise<{ pod: { name: string } }> {
  return fetch("/api/pods", {
    method: "POST",
    headers: { "content-type": "application/json", [TOKEN_HEADER]: token },
    body: JSON.stringify({ sample: "ghost-behind-nginx" }),
  }).then((r) => parse(r));
}

export function deletePod(token: string, name: string): Promise<{ removed: string[] }> {
  return fetch(`/api/pods/${encodeURIComponent(name)}`, { method: "DELETE", headers: { [TOKEN_HEADER]: token } }).then((r) => parse(r));
}
