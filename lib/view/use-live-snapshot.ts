/**
 * The live snapshot, in the browser. The page fetches GET /api/snapshot once (it carries its
 * version) and then follows the server's event stream (GET /api/events, server-sent events):
 * the server builds a new snapshot on every container change it sees (Docker's events, the
 * other runtimes' changes) and every 2 s for procfs and cgroup usage, and sends each page
 * what changed as a delta (`event: delta`, lib/model/snapshot-delta.ts), so a container
 * started, stopped or killed in a terminal shows within a second and costs the page a few KB,
 * not the whole snapshot. A delta that does not start at the version the page holds means it
 * missed one: it fetches the snapshot again (delta-follower.ts). Without an open stream the
 * page polls every REFRESH_MS, as before.
 * Never two snapshot requests at once: a revalidation asked for while one runs waits for
 * it and then runs once, so it reads what happened after the event. The waiting happens
 * before SWR is asked (not inside its fetcher): SWR drops the answer of a request once a
 * newer one has started, which would hide the first answer until the second arrived.
 */
import { useEffect, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { backoffDelay, type Backoff } from "@/lib/model/backoff";
import { parseLiveMessage, type EngineFeed } from "@/lib/model/live-messages";
import type { SnapshotDelta } from "@/lib/model/snapshot-delta";
import type { Snapshot } from "@/lib/model/types";
import { fetchSnapshot, markArrival, setSnapshotVersion, snapshotVersion } from "./api-client";
import { DeltaFollower } from "./delta-follower";

export const SNAPSHOT_KEY = "/api/snapshot";
const EVENTS_URL = "/api/events";
/** The refresh for usage figures (procfs, cgroupfs) when there is no event stream (with one, the server sends deltas); container changes do not wait for it. */
export const REFRESH_MS = 2000;
/** Reconnecting to the server's stream: 1 s, 2 s, 4 s, … at most 30 s. */
const STREAM_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };
/** After this many failed attempts in a row the indicator says offline (it keeps retrying). */
const OFFLINE_AFTER = 3;

/** The SWR key of a pod's timeline (components/Timeline.tsx); events revalidate every such key. */
export const timelineKey = (podId: string) => `/api/pods/${podId}/timeline`;
const isTimelineKey = (key: unknown) => typeof key === "string" && key.startsWith("/api/pods/") && key.endsWith("/timeline");

export type ConnectionState = "live" | "reconnecting" | "offline";
export interface Connection {
  state: ConnectionState;
  /** One sentence: what is connected to what, or what is wrong. */
  detail: string;
}

/**
 * At most one call of `fn` at a time. A call made while one runs gets a single follow-up
 * call, shared by everyone who asked meanwhile, that starts when the running one ends.
 */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const call = (): Promise<T> => {
    if (!running) {
      running = fn().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = null;
      return call();
    });
    return next;
  };
  return call;
}

/** What the indicator shows, from the browser's stream and the server's engine feed. */
export function connectionOf(stream: { open: boolean; failures: number }, feed: EngineFeed | null): Connection {
  if (!stream.open) {
    return stream.failures >= OFFLINE_AFTER
      ? { state: "offline", detail: `Cannot reach this server's event stream (${stream.failures} attempts); retrying.` }
      : { state: "reconnecting", detail: "Connecting to this server's event stream…" };
  }
  if (feed === null || feed.state === "connecting") return { state: "reconnecting", detail: "The server is connecting to the Docker engine's events…" };
  if (feed.state === "following") return { state: "live", detail: "Live: the server follows the Docker engine's events; changes show as they happen." };
  const detail = `No live events: ${feed.reason} The server retries in ${Math.ceil(feed.retryInMs / 1000)} s (attempt ${feed.failures}).`;
  return { state: feed.failures >= OFFLINE_AFTER ? "offline" : "reconnecting", detail };
}

/** The deltas of this page (every useLiveSnapshot of the page shares the SWR cache, and so this). */
const follower = new DeltaFollower(snapshotVersion);
/** Set by the mounted hook: revalidate the snapshot (through SWR, so singleFlight keeps it one at a time). */
let refetchSnapshot: () => void = () => undefined;

const fetchSnapshotOnce = singleFlight(async () => {
  follower.started();
  let fetched: Snapshot | undefined;
  try {
    fetched = await fetchSnapshot(SNAPSHOT_KEY);
    return fetched;
  } finally {
    const result = follower.finished(fetched);
    if (result.kind === "show" && result.snapshot !== fetched) {
      // Deltas arrived while the request was on its way: show them once SWR has taken the answer.
      setSnapshotVersion(result.snapshot, result.version);
      const next = result.snapshot;
      setTimeout(() => void globalMutateSnapshot?.(next), 0);
    } else if (result.kind === "refetch") {
      setTimeout(() => refetchSnapshot(), 0);
    }
  }
});
let globalMutateSnapshot: ((s: Snapshot) => Promise<unknown>) | null = null;

export function useLiveSnapshot() {
  const [streamOpen, setStreamOpen] = useState(false);
  const { data, error, mutate } = useSWR<Snapshot>(SNAPSHOT_KEY, fetchSnapshotOnce, { refreshInterval: streamOpen ? 0 : REFRESH_MS });
  useEffect(() => {
    refetchSnapshot = () => void mutate();
    globalMutateSnapshot = (s) => mutate(s, { revalidate: false });
  }, [mutate]);
  const { cache } = useSWRConfig();
  const connection = useLiveEvents(isTimelineKey, {
    version: () => snapshotVersion(cache.get(SNAPSHOT_KEY)?.data as Snapshot | undefined),
    delta(delta) {
      markArrival(delta.to);
      // Decided here, not in a mutate updater: any mutate while a request is on its way makes
      // SWR drop that request's answer, so mutate is called only to show a new snapshot.
      const result = follower.receive(cache.get(SNAPSHOT_KEY)?.data as Snapshot | undefined, delta);
      if (result.kind === "show") {
        setSnapshotVersion(result.snapshot, result.version);
        void mutate(result.snapshot, { revalidate: false });
      } else if (result.kind === "refetch") {
        void mutate();
      }
    },
    resync: () => void mutate(),
    open: setStreamOpen,
  });
  return { data, error, mutate, connection, version: snapshotVersion(data) };
}

/** What a page that follows snapshot deltas does with them (useLiveSnapshot). */
interface SnapshotFollowing {
  /** The version the page holds, for `?version=` when the stream (re)connects. */
  version(): number | undefined;
  delta(delta: SnapshotDelta): void;
  /** The server cannot bring the page up to date with deltas: fetch the snapshot. */
  resync(): void;
  /** The stream opened (true) or broke (false). */
  open(open: boolean): void;
}

/**
 * Follow the server's event stream and revalidate the SWR keys `followed` accepts on every
 * container change (the timelines; the challenges page's). `followed` must be stable (a
 * module-level function). With `snapshots`, the stream's deltas go to it (useLiveSnapshot).
 * Returns what the connection indicator shows.
 */
export function useLiveEvents(followed: (key: unknown) => boolean, snapshots?: SnapshotFollowing): Connection {
  const { mutate: mutateKeys } = useSWRConfig();
  const [stream, setStream] = useState({ open: false, failures: 0 });
  const [feed, setFeed] = useState<EngineFeed | null>(null);
  // The latest handlers, read by the stream's listeners (the stream itself is not reopened for them).
  const snapshotsRef = useRef(snapshots);
  useEffect(() => {
    snapshotsRef.current = snapshots;
  });
  const withSnapshots = snapshots !== undefined;

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let everOpen = false;
    let following = false;
    const revalidate = singleFlight(() => mutateKeys(followed));
    const connect = () => {
      const held = snapshotsRef.current?.version();
      // The version held: the server replays the deltas missed during a break (or says resync).
      const es = new EventSource(held === undefined ? EVENTS_URL : `${EVENTS_URL}?version=${held}`);
      source = es;
      es.onopen = () => {
        if (everOpen) void revalidate(); // back after a break: catch up on what happened meanwhile
        everOpen = true;
        failures = 0;
        setStream({ open: true, failures: 0 });
        snapshotsRef.current?.open(true);
      };
      if (withSnapshots) {
        es.addEventListener("delta", (e) => {
          const message = parseLiveMessage("delta", (e as MessageEvent<string>).data);
          if (message?.type === "delta") snapshotsRef.current?.delta(message.delta);
          else snapshotsRef.current?.resync(); // malformed: never guess, fetch the truth
        });
        es.addEventListener("resync", (e) => {
          if (parseLiveMessage("resync", (e as MessageEvent<string>).data)) snapshotsRef.current?.resync();
        });
      }
      es.addEventListener("container", (e) => {
        if (parseLiveMessage("container", (e as MessageEvent<string>).data)) void revalidate();
      });
      es.addEventListener("runtime", (e) => {
        if (parseLiveMessage("runtime", (e as MessageEvent<string>).data)) void revalidate();
      });
      es.addEventListener("feed", (e) => {
        const message = parseLiveMessage("feed", (e as MessageEvent<string>).data);
        if (message?.type !== "feed") return;
        const nowFollowing = message.feed.state === "following";
        if (message.runtime !== "docker") {
          // Another runtime's feed (the CRI's poll, Podman's events): catch up when it is back.
          if (nowFollowing) void revalidate();
          return;
        }
        if (nowFollowing && !following) void revalidate();
        following = nowFollowing;
        setFeed(message.feed);
      });
      es.onerror = () => {
        // Our own backoff instead of EventSource's fixed retry.
        es.close();
        failures++;
        following = false;
        setStream({ open: false, failures });
        setFeed(null);
        snapshotsRef.current?.open(false);
        retry = setTimeout(connect, backoffDelay(failures, STREAM_BACKOFF));
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [mutateKeys, followed, withSnapshots]);

  return connectionOf(stream, feed);
}
