/**
 * The Docker engine's `/events` stream, reshaped into Pod Anatomy's own types: one line of
 * the stream in, a ContainerEvent out; exact nanosecond times, and where to resume after a
 * reconnect. Pure: text in, data out; no I/O.
 *
 * A raw engine message (API 1.41) looks like
 *   {"status":"die","id":"d3a7…","from":"pause","Type":"container","Action":"die",
 *    "Actor":{"ID":"d3a7…","Attributes":{"exitCode":"137","image":"…","name":"web", <labels>}},
 *    "scope":"local","time":1795323345,"timeNano":1795323345240333098}
 * `Attributes` mixes the container's labels with name, image, exitCode (die) and signal (kill).
 */
import { z } from "zod";
import { RUNTIME_KINDS, type RuntimeKind } from "./types";

/** The container actions Pod Anatomy follows: every change of a container's existence or state (no exec_*, no health). */
export const CONTAINER_ACTIONS = ["create", "start", "restart", "pause", "unpause", "kill", "die", "oom", "stop", "rename", "destroy"] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** One container event, as Pod Anatomy carries it (server → browser, and into the timeline). */
export interface ContainerEvent {
  /**
   * The engine's `timeNano`, exactly, as decimal digits: nanoseconds since the epoch do not
   * fit a JavaScript number's 53 bits, and `since` on reconnect must be exact.
   */
  timeNano: string;
  /** Milliseconds since the epoch, from timeNano (microsecond precision): for display and arithmetic. */
  time: number;
  action: ContainerAction;
  /** Full 64-hex container id (Actor.ID). */
  containerId: string;
  /** The container's name at the time of the event, without the leading slash. */
  name: string;
  /** The image reference the container was created from. */
  image: string;
  /** The exit code of the container's init process, on `die`; otherwise null. */
  exitCode: number | null;
  /** The signal sent, on `kill` (e.g. "9", "15"); otherwise null. */
  signal: string | null;
  /** The container's labels (Attributes minus name, image, exitCode, signal, oldName). */
  labels: Record<string, string>;
  /** The runtime that told it: Docker's event stream, Podman's (libpod), or the CRI's poll (synthesized). */
  runtime: RuntimeKind;
  /**
   * Where this fact comes from, in the runtime's own words, e.g. "docker events: container die",
   * "podman events: container died", "CRI ListContainers (poll, 1 s): state CONTAINER_RUNNING, started_at".
   */
  source: string;
}

const DIGITS = /^\d{1,20}$/;

/** A ContainerEvent as it travels to the browser: the browser's boundary checks it (live-messages.ts). */
export const ContainerEventSchema: z.ZodType<ContainerEvent> = z.object({
  timeNano: z.string().regex(DIGITS),
  time: z.number(),
  action: z.enum(CONTAINER_ACTIONS),
  containerId: z.string().min(1),
  name: z.string(),
  image: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  runtime: z.enum(RUNTIME_KINDS),
  source: z.string(),
});

/** The fields of a raw engine message Pod Anatomy reads; everything else is ignored. */
const RawEngineMessage = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string().min(1), Attributes: z.record(z.string(), z.string()).nullish() }),
  // Not .int(): zod's int() means a safe integer, and nanoseconds since the epoch are beyond 2^53.
  timeNano: z.number().nonnegative().refine(Number.isInteger, "an integer"),
});

/** Attribute keys that are facts about the event, not labels. */
const NOT_LABELS = new Set(["name", "image", "exitCode", "signal", "oldName"]);

export type ParsedEngineLine =
  | { kind: "event"; event: ContainerEvent }
  /** A well-formed message Pod Anatomy does not follow (another Type, an exec_* or health action). */
  | { kind: "ignored" }
  /** Not JSON, or not an engine event: worth a counted warning. */
  | { kind: "invalid"; reason: string };

/** Milliseconds (with microseconds as the fraction) from exact nanoseconds. */
export function nanosToMillis(timeNano: string): number {
  return timeNano.length <= 3 ? 0 : Number(timeNano.slice(0, -3)) / 1000;
}

/**
 * The exact digits of the top-level `timeNano`: JSON.parse rounds a 19-digit integer to the
 * nearest representable double (±128 ns). A quote inside a JSON string is always escaped, so
 * `"timeNano":` with bare quotes can only be a key; the parsed value cross-checks it.
 */
export function exactTimeNano(line: string, parsed: number): string {
  for (const m of line.matchAll(/"timeNano":(\d{1,20})(?=[,}\s])/g)) {
    if (Math.abs(Number(m[1]) - parsed) <= 1024) return m[1]!;
  }
  return BigInt(parsed).toString();
}

/** Parse one line of the engine's `/events` stream. */
export function parseEngineEventLine(line: string): ParsedEngineLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "invalid", reason: `not JSON: ${line.slice(0, 80)}` };
  }
  const raw = RawEngineMessage.safeParse(json);
  if (!raw.success) {
    return { kind: "invalid", reason: `not an engine event: ${raw.error.issues[0]?.path.join(".")} ${raw.error.issues[0]?.message}` };
  }
  const { Type, Action, Actor, timeNano } = raw.data;
  if (Type !== "container" || !(CONTAINER_ACTIONS as readonly string[]).includes(Action)) return { kind: "ignored" };
  const attributes = Actor.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!NOT_LABELS.has(k)) labels[k] = v;
  const exact = exactTimeNano(line, timeNano);
  const exit = attributes.exitCode !== undefined && /^-?\d+$/.test(attributes.exitCode) ? Number(attributes.exitCode) : null;
  return {
    kind: "event",
    event: {
      timeNano: exact,
      time: nanosToMillis(exact),
      action: Action as ContainerAction,
      containerId: Actor.ID,
      name: (attributes.name ?? "").replace(/^\//, ""),
      image: attributes.image ?? "",
      exitCode: Action === "die" ? exit : null,
      signal: Action === "kill" ? (attributes.signal ?? null) : null,
      labels,
      runtime: "docker",
      source: `docker events: container ${Action}`,
    },
  };
}

/** Order of two exact timeNano strings (no leading zeros): negative, zero or positive. */
export function compareTimeNano(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The engine's `since` parameter for exact nanoseconds: `seconds.nanoseconds`. */
export function sinceParam(timeNano: string): string {
  const padded = timeNano.padStart(10, "0");
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** How far before the last event a reconnect asks the engine to replay from (see EventCursor). */
const RESUME_OVERLAP_NANOS = 1_000_000_000n;

/**
 * Where to resume the stream after a reconnect, and which replayed events were already seen.
 *
 * The engine timestamps an event before it publishes it, so two events logged at nearly the
 * same moment can arrive in the opposite order of their timeNano. Resuming exactly at the
 * last timeNano could then skip one; so a reconnect asks for a second more than needed and
 * the cursor drops what it has already seen (it remembers the last `memory` events).
 */
export class EventCursor {
  private latest: string | null = null;
  private readonly seen = new Set<string>();

  constructor(private readonly memory = 1024) {}

  /** True when the event is new; false for one replayed after a reconnect. */
  accept(e: ContainerEvent): boolean {
    const key = `${e.timeNano}/${e.containerId}/${e.action}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.memory) this.seen.delete(this.seen.values().next().value!);
    if (this.latest === null || compareTimeNano(e.timeNano, this.latest) > 0) this.latest = e.timeNano;
    return true;
  }

  /** The timeNano to reconnect `since` (the engine includes it), or null before any event. */
  resumeFrom(): string | null {
    if (this.latest === null) return null;
    const from = BigInt(this.latest) - RESUME_OVERLAP_NANOS;
    return (from > 0n ? from : 0n).toString();
  }
}
