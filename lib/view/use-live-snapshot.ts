/**
 * The live snapshot, in the browser. Container changes come from the server's event stream
 * (GET /api/events, server-sent events: Docker's `container` events, the other runtimes'
 * `runtime` changes): each one revalidates the snapshot (and any open
 * timeline) at once, so a container started, stopped or killed in a terminal shows within
 * a second — the server follows the engine's events, nobody polls it. The periodic refresh
 * stays, for what has no events: procfs and cgroup usage (every REFRESH_MS, 2 s or more).
 * Never two snapshot requests at once: a revalidation asked for while one runs waits for
 * it and then runs once, so it reads what happened after the event. The waiting happens
 * before SWR is asked (not inside its fetcher): SWR drops the answer of a request once a
 * newer one has started, which would hide the first answer until the second arrived.
 */
import { useEffect, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { backoffDelay, type Backoff } from "@/lib/model/backoff";
import { parseLiveMessage, type EngineFeed } from "@/lib/model/live-messages";
import type { Snapshot } from "@/lib/model/types";
import { fetchSnapshot } from "./api-client";

export const SNAPSHOT_KEY = "/api/snapshot";
const EVENTS_URL = "/api/events";
/** The refresh for usage figures (procfs, cgroupfs); container changes do not wait for it. */
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

const fetchSnapshotOnce = singleFlight(() => fetchSnapshot(SNAPSHOT_KEY));

export function useLiveSnapshot() {
  const { data, error, mutate } = useSWR<Snapshot>(SNAPSHOT_KEY, fetchSnapshotOnce, { refreshInterval: REFRESH_MS });
  const connection = useLiveEvents(isSnapshotOrTimelineKey);
  return { data, error, mutate, connection };
}

const isSnapshotOrTimelineKey = (key: unknown) => key === SNAPSHOT_KEY || isTimelineKey(key);

/**
 * Follow the server's event stream and revalidate the SWR keys `followed` accepts on every
 * container change (the snapshot's; the challenges page's). `followed` must be stable (a
 * module-level function). Returns what the connection indicator shows.
 */
export function useLiveEvents(followed: (key: unknown) => boolean): Connection {
  const { mutate: mutateKeys } = useSWRConfig();
  const [stream, setStream] = useState({ open: false, failures: 0 });
  const [feed, setFeed] = useState<EngineFeed | null>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let everOpen = false;
    let following = false;
    const revalidate = singleFlight(() => mutateKeys(followed));
    const connect = () => {
      const es = new EventSource(EVENTS_URL);
      source = es;
      es.onopen = () => {
        if (everOpen) void revalidate(); // back after a break: catch up on what happened meanwhile
        everOpen = true;
        failures = 0;
        setStream({ open: true, failures: 0 });
      };
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
        retry = setTimeout(connect, backoffDelay(failures, STREAM_BACKOFF));
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [mutateKeys, followed]);

  return connectionOf(stream, feed);
}
