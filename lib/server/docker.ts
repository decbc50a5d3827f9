import "server-only";
import Docker from "dockerode";
import type { ContainerInspectInfo } from "dockerode";
import type { ContainerFacts, EngineFailure, PortBinding } from "@/lib/model/types";

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
  inspectContainer(id: string): Promise<ContainerFacts | null>;
  imageExists(ref: string): Promise<boolean>;
  /** Pulls and waits until the pull has finished (not merely started). */
  pullImage(ref: string, opts: { startTimeoutMs: number; totalTimeoutMs: number }): Promise<void>;
  /** Builds `tag` from the files in `contextDir`, waiting until the build has finished. */
  buildImage(contextDir: string, files: string[], tag: string, dockerfile: string, labels: Record<string, string>): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Removes a container (forced: stopped first when running). A container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
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
}

/** Timeout for every non-stream call. */
const CALL_TIMEOUT_MS = 5_000;
/** A forced remove kills first; give it a little longer. */
const REMOVE_TIMEOUT_MS = 20_000;

/** Bound a non-stream call: reject with a TimeoutError when the engine does not answer in time. */
function bounded<T>(call: Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`the Docker engine did not answer within ${ms / 1000} s`);
      err.name = "TimeoutError";
      reject(err);
    }, ms);
  });
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

/** The engine endpoint dockerode will use, for messages. */
export function describeEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST.length > 0 ? env.DOCKER_HOST : "unix:///var/run/docker.sock";
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
  };
}

/** Read a Docker JSON-lines progress stream (pull, build) to its end; reject on an `error` entry. */
function followStream(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        if (err) return reject(err);
        const failed = output.find((o) => o.error || o.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error ?? "unknown engine error"));
        resolve();
      },
    );
  });
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

export class DockerodeClient implements DockerClient {
  readonly endpoint: string;
  /** For ordinary calls: the modem drops a socket that stays silent past the timeout. */
  private readonly docker = new Docker({ timeout: CALL_TIMEOUT_MS + 1_000 });
  /** For streams (pull, build): no socket timeout, they may be long. */
  private readonly streams = new Docker();

  constructor(endpoint = describeEndpoint()) {
    this.endpoint = endpoint;
  }

  async version() {
    const v = await bounded(this.docker.version());
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  async listContainers(filter?: { labels?: string[] }): Promise<ContainerFacts[]> {
    const list = await bounded(
      this.docker.listContainers({
        all: true,
        size: false,
        ...(filter?.labels ? { filters: JSON.stringify({ label: filter.labels }) } : {}),
      }),
    );
    const inspected = await Promise.all(list.map((c) => this.inspectContainer(c.Id)));
    // A container removed between list and inspect is simply gone.
    return inspected.filter((c): c is ContainerFacts => c !== null);
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

  async pullImage(ref: string, opts: { startTimeoutMs: number; totalTimeoutMs: number }): Promise<void> {
    // The start of a pull (the engine resolving the registry) gets a short timeout; the
    // download itself is a stream and may take as long as the total allows.
    const stream: NodeJS.ReadableStream = await bounded(this.streams.pull(ref), opts.startTimeoutMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        followStream(this.streams, stream),
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
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: spec.networkMode,
        IpcMode: spec.ipcMode,
        PidMode: spec.pidMode,
        CgroupParent: spec.cgroupParent,
        PortBindings: bindings,
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

  async removeContainer(id: string): Promise<void> {
    try {
      await bounded(this.docker.getContainer(id).remove({ force: true, v: true }), REMOVE_TIMEOUT_MS);
    } catch (err) {
      if (isNotFound(err)) return;
      // 409 "removal already in progress" means it is going away: fine.
      if ((err as { statusCode?: number }).statusCode === 409) return;
      throw err;
    }
  }
}

/** Classify why the engine could not be reached, with what to do about it. */
export function explainEngineError(
  err: unknown,
  endpoint: string,
): { reason: EngineFailure; message: string; hint: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e?.code;
  if (code === "ENOENT") {
    return {
      reason: "socket-missing",
      message: `No Docker socket at ${endpoint}.`,
      hint: "Start a Docker engine (on Debian: apt-get install -y docker.io, then start dockerd), or point DOCKER_HOST at one.",
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      reason: "permission-denied",
      message: `Permission denied on ${endpoint}.`,
      hint: "Run Pod Anatomy as root or as a member of the docker group (usermod -aG docker $USER, then log in again).",
    };
  }
  if (code === "ECONNREFUSED") {
    return {
      reason: "no-daemon",
      message: `Nothing answers at ${endpoint}: the socket exists but no Docker daemon listens on it.`,
      hint: "Start the daemon (systemctl start docker, or run /usr/sbin/dockerd) and this page reconnects by itself.",
    };
  }
  if (e?.name === "AbortError" || e?.name === "TimeoutError" || code === "ETIMEDOUT") {
    return {
      reason: "timeout",
      message: `The Docker engine at ${endpoint} did not answer within ${CALL_TIMEOUT_MS / 1000} s.`,
      hint: "The daemon may be hung or overloaded: check `docker info` in a terminal.",
    };
  }
  return {
    reason: "error",
    message: `The Docker engine at ${endpoint} answered with an error: ${e?.message ?? String(err)}`,
    hint: "Check `docker info` in a terminal.",
  };
}

/** The one client of this server process (kept on globalThis so every route bundle shares it). */
export function getDockerClient(): DockerClient {
  const g = globalThis as { __podAnatomyDocker?: DockerClient };
  g.__podAnatomyDocker ??= new DockerodeClient();
  return g.__podAnatomyDocker;
}
