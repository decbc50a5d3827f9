/** Reconnect delays, shared by the server's engine feed and the browser's live stream. Pure. */

/** Reconnect delays: doubling from initialMs, at most maxMs. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The delay before attempt `failures + 1` (failures ≥ 1). */
export function backoffDelay(failures: number, b: Backoff): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, failures - 1));
}
