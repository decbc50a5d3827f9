/**
 * The browser's side of the API: the snapshot fetcher for SWR and the calls that change
 * things (they carry the launch token; the browser adds Origin and Sec-Fetch-Site).
 */
import type { PodTimeline } from "@/lib/model/pod-timeline";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import { PullsResponseSchema, type PullsResponse } from "@/lib/model/pull-progress";
import type { OrphanResult, ProbeRequest, ProbeResult } from "@/lib/model/pod-probes";
import type { ImageChoice, PodSpec } from "@/lib/model/pod-spec";
import type { StepRun } from "@/lib/model/steps";
import type { RuntimeKind, Snapshot } from "@/lib/model/types";
import { TOKEN_HEADER } from "@/lib/security/request-checks";
import { SNAPSHOT_VERSION_HEADER } from "@/lib/model/snapshot-delta";


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

/** The version of each snapshot this page received (GET /api/snapshot's header; a delta's `to`): keyed by the object, so it cannot drift from it. */
const versions = new WeakMap<Snapshot, number>();
export const snapshotVersion = (snapshot: Snapshot | undefined): number | undefined => (snapshot ? versions.get(snapshot) : undefined);
export const setSnapshotVersion = (snapshot: Snapshot, version: number): void => void versions.set(snapshot, version);

/** The app's marks (performance.mark) when a snapshot or a delta arrives: `detail.version` is the version it brings (the bench measures from them to the frame that shows it). */
export const ARRIVAL_MARK = "pod-anatomy:snapshot-arrived";
export function markArrival(version: number): void {
  if (typeof performance !== "undefined" && typeof performance.mark === "function") performance.mark(ARRIVAL_MARK, { detail: { version } });
}

export const fetchSnapshot = (url: string): Promise<Snapshot> =>
  fetch(url, { cache: "no-store" }).then(async (r) => {
    const snapshot = await parse<Snapshot>(r);
    const version = Number(r.headers.get(SNAPSHOT_VERSION_HEADER));
    if (Number.isSafeInteger(version) && version > 0) {
      versions.set(snapshot, version);
      markArrival(version);
    }
    return snapshot;
  });

/** GET /api/pods/ID/timeline (the SWR key is the URL). */
export const fetchTimeline = (url: string): Promise<PodTimeline> => fetch(url, { cache: "no-store" }).then((r) => parse<PodTimeline>(r));

/** POST /api/pods: the demo pod, on one runtime (Docker, the CRI, Podman). */
export function createDemoPod(token: string, runtime: RuntimeKind = "docker"): Promise<{ pod: { name: string }; runtime: string }> {
  return postJson(token, "/api/pods", { sample: "ghost-behind-nginx", runtime });
}

export function deletePod(token: string, name: string): Promise<{ removed: string[] }> {
  return fetch(`/api/pods/${encodeURIComponent(name)}`, { method: "DELETE", headers: { [TOKEN_HEADER]: token } }).then((r) => parse(r));
}

// The catalogue, the probes and the pod builder (issue 4).

function postJson<T>(token: string, url: string, body: unknown): Promise<T> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [TOKEN_HEADER]: token },
    body: JSON.stringify(body),
  }).then((r) => parse<T>(r));
}

export interface CreatedPods {
  pods: { name: string; containers: { id: string; name: string; kind: string; image: string }[] }[];
}

export const createCatalogueEntry = (token: string, entry: CatalogueEntryId, runtime: RuntimeKind = "docker") =>
  postJson<CreatedPods>(token, "/api/catalogue", { entry, runtime });
export const createFromBuilder = (token: string, spec: PodSpec, runtime: RuntimeKind = "docker") =>
  postJson<CreatedPods>(token, `/api/builder?runtime=${runtime}`, spec);
export const runProbe = (token: string, pod: string, req: ProbeRequest) =>
  postJson<ProbeResult>(token, `/api/pods/${encodeURIComponent(pod)}/probes`, req);
export const makeOrphan = (token: string, pod: string, container: string) =>
  postJson<OrphanResult>(token, `/api/pods/${encodeURIComponent(pod)}/orphan`, { container });

/** GET /api/pulls: the image pulls in flight and just ended (the SWR key is the URL), checked against the schema. */
export const fetchPulls = (url: string): Promise<PullsResponse> =>
  fetch(url, { cache: "no-store" }).then((r) => parse<unknown>(r)).then((body) => PullsResponseSchema.parse(body));

/** GET /api/builder: the images a pod may be built from (the SWR key is the URL). */
export const fetchImageChoices = (url: string): Promise<{ images: ImageChoice[] }> => fetch(url, { cache: "no-store" }).then((r) => parse(r));

// Step by step (issue 13).

/** POST /api/steps: run exactly one step of an entry's instance. */
export const runStepRequest = (token: string, body: { entry: CatalogueEntryId; runtime: RuntimeKind; pod: string; step: number; hostPort?: number }) =>
  postJson<StepRun>(token, "/api/steps", body);
