import "server-only";
import { Writable } from "node:stream";
import Docker from "dockerode";
import type { ContainerInspectInfo } from "dockerode";
import { CONTAINER_ACTIONS, parseEngineEventLine, sinceParam, type ContainerEvent } from "@/lib/model/engine-events";
import { NdjsonSplitter, type SplitResult } from "@/lib/model/ndjson";
import { parsePullMessage, type PullMessage } from "@/lib/model/pull-progress";
import type { ContainerFacts, PortBinding } from "@/lib/model/types";
import { dockerEndpoint } from "./config";
import { engineMessage, isConflict, isNotFound } from "./engine-errors";
import type { ExecResult } from "./runtimes/runtime";
import { processSingleton } from "./singleton";

/**
 * The Docker engine, as Pod Anatomy uses it. Everything that leaves this file is one of
 * our own types: raw dockerode objects are reshaped here (toContainerFacts) and nowhere else.
 */
export interface DockerClient {
  /** Where the engine is expected: `unix:///var/run/docker.sock` or DOCKER_HOST. */
  readonly endpoint: string;
  version(): Promise<{ version: string; apiVersion: string }>;
  /** Every container (running or not), inspected. `label` filters like `docker ps --filter label=…`. */
  listContainers(filter?: { labels?: string[] }): Promise<ContainerFacts[]>;
  /** `docker ps -a` without inspecting: each container's id and state (running, exited, …). */
  listSummaries(): Promise<{ id: string; state: string }[]>;
  inspectContainer(id: string): Promise<ContainerFacts | null>;
  imageExists(ref: string): Promise<boolean>;
  /**
   * Pulls and waits until the pull has finished (not merely started). `onProgress` gets each
   * object of the engine's progress stream, reshaped; a pull the engine refuses outright
   * (HTTP error: no registry, unknown image) is reported as one `error` message too.
   */
  pullImage(ref: string, opts: PullOptions): Promise<void>;
  /** Builds `tag` from the files in `contextDir`, waiting until the build has finished. */
  buildImage(contextDir: string, files: string[], tag: string, dockerfile: string, labels: Record<string, string>): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Removes a container (forced: stopped first when running). A container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /**
   * Follow the engine's container events (`GET /events`), reshaped, from `since` (exact
   * nanoseconds; the engine replays what it still buffers) until the engine closes the
   * stream or `signal` aborts. Yields `connected` once the engine has answered.
   */
  events(opts: { since?: string; signal: AbortSignal }): AsyncIterable<EngineStreamItem>;
  /** The tags of the images present locally (`docker images`), without `<none>`. */
  listImageTags(): Promise<string[]>;
  /**
   * Run a fixed argv in a running container (`docker exec`), collecting at most `maxBytes`
   * of stdout and of stderr; gives up after `timeoutMs` (the exec's process keeps running).
   */
  exec(id: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult>;
  /** Wait until a container has exited (`docker wait`), at most `timeoutMs`; its exit code. */
  waitContainer(id: string, timeoutMs: number): Promise<number>;
}

export interface PullOptions {
  startTimeoutMs: number;
  totalTimeoutMs: number;
  onProgress?: (message: PullMessage) => void;
}


/** What the event stream yields: our own types only. */
export type EngineStreamItem =
  | { kind: "connected" }
  | { kind: "event"; event: ContainerEvent }
  /** Lines that could not be used: over-long (the parser's buffer is bounded) or not an engine event. */
  | { kind: "dropped"; count: number; reason: string };

/** An engine event is well under 4 KiB; a line longer than this is dropped, never buffered. */
const MAX_EVENT_LINE = 256 * 1024;

/** The items of the lines one chunk completed: events, and counted drops. */
function* streamItems({ lines, dropped }: SplitResult): Generator<EngineStreamItem> {
  if (dropped > 0) yield { kind: "dropped", count: dropped, reason: `longer than ${MAX_EVENT_LINE} characters` };
  for (const line of lines) {
    const parsed = parseEngineEventLine(line);
    if (parsed.kind === "event") yield parsed;
    else if (parsed.kind === "invalid") yield { kind: "dropped", count: 1, reason: parsed.reason };
  }
}

/** What Pod Anatomy may ask the engine to create: deliberately no privileged, caps, devices or binds. */
export interface ContainerSpec {
  name: string;
  image: string;
  cmd?: string[];
  env?: Record<string, string>;
  labels: Record<string, string>;
  networkMode?: string;
  ipcMode?: string;
  pidMode?: string;
  cgroupParent?: string;
  /** Published ports: containerPort/tcp → hostIp:hostPort. */
  ports?: { containerPort: number; hostPort: number; hostIp: string }[];
  /** Replaces the image's ENTRYPOINT (`--entrypoint`). */
  entrypoint?: string[];
  utsMode?: string;
  /** `--memory` in bytes, `--cpus` × 1e9, `--pids-limit`. */
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /**
   * Anonymous volumes, removed with the container: on disk, or a tmpfs of the given size
   * (Kubernetes' emptyDir, and emptyDir with medium: Memory and a sizeLimit).
   */
  volumes?: { target: string; tmpfsSizeMi?: number }[];
  /** Containers whose volumes this one mounts too (`--volumes-from`). */
  volumesFrom?: string[];
}

/** Timeout for every non-stream call. */
const CALL_TIMEOUT_MS = 5_000;
/**
 * Timeout for version(), the liveness probe the snapshot runs beside the container list: a
 * healthy engine answers it in milliseconds, and a hung one must show as such within 2 s.
 */
const PROBE_TIMEOUT_MS = 1_500;
/** A forced remove kills first; give it a little longer. */
const REMOVE_TIMEOUT_MS = 20_000;

/** Bound a non-stream call: reject with a TimeoutError when the engine does not answer in time. */
function bounded<T>(call: Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`no answer within ${ms / 1000} s`);
      err.name = "TimeoutError";
      reject(err);
    }, ms);
  });
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

/** Reshape `docker inspect` output into our ContainerFacts. Pure; exported for tests on recorded JSON. */
export function toContainerFacts(raw: ContainerInspectInfo): ContainerFacts {
  const ports: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(raw.HostConfig?.PortBindings ?? {})) {
    const [port, protocol = "tcp"] = key.split("/");
    for (const b of (bindings as { HostIp?: string; HostPort?: string }[] | null) ?? []) {
      ports.push({
        containerPort: Number(port),
        protocol,
        hostIp: b.HostIp || "0.0.0.0",
        hostPort: Number(b.HostPort),
      });
    }
  }
  const hostConfig = raw.HostConfig as ContainerInspectInfo["HostConfig"] & { UTSMode?: string; CgroupParent?: string };
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ""),
    image: raw.Config?.Image ?? raw.Image,
    imageId: raw.Image,
    state: raw.State?.Status ?? "unknown",
    pid: raw.State?.Running && raw.State.Pid > 0 ? raw.State.Pid : null,
    created: raw.Created,
    networkMode: hostConfig?.NetworkMode ?? "",
    ipcMode: hostConfig?.IpcMode ?? "",
    pidMode: hostConfig?.PidMode ?? "",
    utsMode: hostConfig?.UTSMode ?? "",
    cgroupParent: hostConfig?.CgroupParent ?? "",
    labels: raw.Config?.Labels ?? {},
    ports,
    discoveredBy: "engine",
    runtime: "docker",
    ...(raw.State && !raw.State.Running && raw.State.Status !== "created" ? { exitCode: raw.State.ExitCode } : {}),
    ...(dockerTime(raw.State?.StartedAt) ? { startedAt: raw.State.StartedAt } : {}),
    ...(dockerTime(raw.State?.FinishedAt) ? { finishedAt: raw.State.FinishedAt } : {}),
    mounts: (raw.Mounts ?? []).map((m) => ({ type: m.Type ?? "", source: (m.Type === "volume" ? m.Name : m.Source) ?? "", destination: m.Destination })),
  };
}

/** Docker says "0001-01-01T00:00:00Z" for a time that never happened. */
function dockerTime(t: string | undefined): boolean {
  return !!t && !t.startsWith("0001-");
}

/**
 * Read a Docker JSON-lines progress stream (pull, build) to its end; reject on an `error`
 * entry. `onProgress` gets each entry of the engine's documented pull format.
 */
function followStream(docker: Docker, stream: NodeJS.ReadableStream, onProgress?: (message: PullMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        if (err) return reject(err);
        const failed = output.find((o) => o.error || o.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error ?? "unknown engine error"));
        resolve();
      },
      (raw: unknown) => {
        const message = onProgress && parsePullMessage(raw);
        if (message) onProgress(message);
      },
    );
  });
}

/** Keeps the first `maxBytes` written to it, and whether more came. */
class BoundedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const room = this.maxBytes - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

export class DockerodeClient implements DockerClient {
  readonly endpoint: string;
  /** For ordinary calls: the modem drops a socket that stays silent past the timeout. */
  private readonly docker = new Docker({ timeout: CALL_TIMEOUT_MS + 1_000 });
  /** For streams (pull, build): no socket timeout, they may be long. */
  private readonly streams = new Docker();

  constructor(endpoint = dockerEndpoint()) {
    this.endpoint = endpoint;
  }

  async version() {
    const v = await bounded(this.docker.version(), PROBE_TIMEOUT_MS);
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  async listContainers(filter?: { labels?: string[] }): Promise<ContainerFacts[]> {
    const list = await this.list(filter);
    const inspected = await Promise.all(list.map((c) => this.inspectContainer(c.Id)));
    // A container removed between list and inspect is simply gone.
    return inspected.filter((c): c is ContainerFacts => c !== null);
  }

  async listSummaries(): Promise<{ id: string; state: string }[]> {
    return (await this.list()).map((c) => ({ id: c.Id, state: c.State }));
  }

  private list(filter?: { labels?: string[] }) {
    return bounded(
      this.docker.listContainers({
        all: true,
        size: false,
        ...(filter?.labels ? { filters: JSON.stringify({ label: filter.labels }) } : {}),
      }),
    );
  }

  async inspectContainer(id: string): Promise<ContainerFacts | null> {
    try {
      return toContainerFacts(await bounded(this.docker.getContainer(id).inspect()));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await bounded(this.docker.getImage(ref).inspect());
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async pullImage(ref: string, opts: PullOptions): Promise<void> {
    // The start of a pull (the engine resolving the registry) gets a short timeout; the
    // download itself is a stream and may take as long as the total allows.
    const stream: NodeJS.ReadableStream = await bounded(this.streams.pull(ref), opts.startTimeoutMs).catch((err: unknown) => {
      opts.onProgress?.({ error: engineMessage(err) });
      throw err;
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        followStream(this.streams, stream, opts.onProgress),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
            reject(new Error(`pulling ${ref} took longer than ${opts.totalTimeoutMs / 1000} s`));
          }, opts.totalTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async buildImage(contextDir: string, files: string[], tag: string, dockerfile: string, labels: Record<string, string>) {
    const stream = await this.streams.buildImage(
      { context: contextDir, src: files },
      { t: tag, dockerfile, labels, rm: true, forcerm: true },
    );
    await followStream(this.streams, stream);
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.ports ?? []) {
      exposed[`${p.containerPort}/tcp`] = {};
      bindings[`${p.containerPort}/tcp`] = [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }];
    }
    const created = await bounded(this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: spec.networkMode,
        IpcMode: spec.ipcMode,
        PidMode: spec.pidMode,
        UTSMode: spec.utsMode,
        CgroupParent: spec.cgroupParent,
        PortBindings: bindings,
        Memory: spec.memoryBytes,
        NanoCpus: spec.nanoCpus,
        PidsLimit: spec.pidsLimit,
        // Anonymous volumes only (Source ""): never a host path.
        Mounts: (spec.volumes ?? []).map((v) => ({
          Type: "volume" as const,
          Source: "",
          Target: v.target,
          ...(v.tmpfsSizeMi !== undefined
            ? { VolumeOptions: { NoCopy: false, Labels: {}, DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs", o: `size=${v.tmpfsSizeMi}m` } } } }
            : {}),
        })),
        VolumesFrom: spec.volumesFrom,
        Privileged: false,
        CapAdd: [],
        Devices: [],
        Binds: [],
      },
    }));
    return created.id;
  }

  async startContainer(id: string): Promise<void> {
    await bounded(this.docker.getContainer(id).start());
  }

  async listImageTags(): Promise<string[]> {
    const images = await bounded(this.docker.listImages());
    return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== "<none>:<none>");
  }

  async exec(id: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult> {
    // On the stream client: the output may take a while, our own timeout bounds it.
    const exec = await bounded(this.streams.getContainer(id).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false }));
    const stream = await bounded(exec.start({ hijack: true, stdin: false }));
    const out = new BoundedSink(opts.maxBytes);
    const err = new BoundedSink(opts.maxBytes);
    this.streams.modem.demuxStream(stream, out, err);
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve(true);
      }, opts.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(false);
      };
      stream.once("end", done);
      stream.once("close", done);
      stream.once("error", done);
    });
    let exitCode: number | null = null;
    // The stream ends when the process does; the engine records the exit code a moment later.
    for (let i = 0; !timedOut && exitCode === null && i < 40; i++) {
      const info = await bounded(exec.inspect());
      if (!info.Running) exitCode = info.ExitCode;
      else await new Promise((r) => setTimeout(r, 25));
    }
    return { exitCode, stdout: out.text(), stderr: err.text(), truncated: out.truncated || err.truncated, timedOut };
  }

  async waitContainer(id: string, timeoutMs: number): Promise<number> {
    const result = (await bounded(this.streams.getContainer(id).wait(), timeoutMs)) as { StatusCode: number };
    return result.StatusCode;
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await bounded(this.docker.getContainer(id).remove({ force: true, v: true }), REMOVE_TIMEOUT_MS);
    } catch (err) {
      if (isNotFound(err)) return;
      // 409 "removal already in progress" means it is going away: fine.
      if (isConflict(err)) return;
      throw err;
    }
  }

  async *events(opts: { since?: string; signal: AbortSignal }): AsyncGenerator<EngineStreamItem> {
    // Our own controller: it also ends a request whose answer does not come in time.
    const abort = new AbortController();
    const forward = () => abort.abort();
    opts.signal.addEventListener("abort", forward, { once: true });
    try {
      const query = {
        // The engine takes `seconds.nanoseconds`; the typings only know whole seconds.
        ...(opts.since !== undefined ? { since: sinceParam(opts.since) as unknown as number } : {}),
        filters: { type: ["container" as const], event: [...CONTAINER_ACTIONS] },
        abortSignal: abort.signal,
      };
      // The answer (headers) gets the usual timeout; the stream itself none: it is meant to last.
      const stream = await bounded(this.streams.getEvents(query)).catch((err: unknown) => {
        abort.abort();
        throw err;
      });
      yield { kind: "connected" };
      (stream as NodeJS.ReadableStream).setEncoding("utf8");
      const splitter = new NdjsonSplitter(MAX_EVENT_LINE);
      for await (const chunk of stream) yield* streamItems(splitter.push(chunk as string));
      yield* streamItems(splitter.end());
    } finally {
      opts.signal.removeEventListener("abort", forward);
      abort.abort(); // ends the request when the consumer stops early
    }
  }
}

/** The one client of this server process (kept on globalThis so every route bundle shares it). */
export function getDockerClient(): DockerClient {
  return processSingleton<DockerClient>("__podAnatomyDocker", () => new DockerodeClient());
}
