import "server-only";
import { catalogueSpecs } from "../../catalogue-specs";
import { podmanHostSetting, runLabels, stepwiseLabels } from "../../config";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import type { JoinModes } from "@/lib/model/event-history";
import { imageIssues, type ImageChoice, type PodSpec } from "@/lib/model/pod-spec";
import { planPodmanPod, podmanCatalogueSpec, podmanSpecIssues, type PodmanPlan } from "@/lib/model/podman-plan";
import { numberEntrySteps, planPodmanSteps, stepBody } from "@/lib/model/runtime-steps";
import { stepUid, type EntryStep, type StepRun } from "@/lib/model/steps";
import {
  explainPodmanError,
  podmanContainerFacts,
  parsePodmanEventLine,
  podmanJoinModes,
  podmanStatusFromPing,
  podmanStatusUnreachable,
  type LibpodContainerInspect,
  type LibpodContainerListEntry,
  type LibpodPodListEntry,
  type LibpodVersion,
  type PodmanErrorLike,
} from "@/lib/model/podman-facts";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, type ContainerFacts, type ImageSource, type RuntimeStatus } from "@/lib/model/types";
import type { DockerClient } from "@/lib/server/docker";
import { ensureChoicesPresent, imageChoices as dockerImageChoices } from "@/lib/server/images";
import { InitFailedError, PodExistsError, PodSpecError } from "@/lib/server/pod-creator";
import { isPortInUse } from "@/lib/server/engine-errors";
import { PortInUseError } from "@/lib/server/pods";
import { pickStep, refuseIfMade, runProbeStep, StepError } from "@/lib/server/steps";
import type { CreatedContainer, CreatedSpecPod, ExecResult, PodOperations, RuntimeAdapter, RuntimeChange, StepInstance } from "../runtime";
import { LibpodClient, LibpodHttpError, podmanSocketPath, TIMEOUTS } from "./client";
import { removePodCgroups } from "./cgroups";
import { ensureInPodman, podmanImageChoices, resolvePodmanImage } from "./images";

/**
 * Podman, through its libpod REST API (the Docker-compatible endpoints say nothing of
 * pods). Pods are Podman's own: the infra container is the pod's sandbox. Pod Anatomy's
 * pods are made from PodSpecs by lib/model/podman-plan.ts, all or nothing, and only pods
 * carrying our labels are ever touched.
 */

const STATUS_DEADLINE_MS = 2000;

/** Podman's infra image for a version: `localhost/podman-pause:<version>-<build time, Unix seconds>` (4.3.1 → 4.3.1-0). */
export function podmanInfraImage(version: LibpodVersion): string | null {
  const engine = version.Components?.find((c) => c.Name === "Podman Engine");
  const v = version.Version ?? engine?.Version;
  if (!v) return null;
  const built = Date.parse(engine?.Details?.BuildTime ?? "1970-01-01T00:00:00Z");
  return `localhost/podman-pause:${v}-${Number.isFinite(built) ? Math.floor(built / 1000) : 0}`;
}

export class PodmanRuntime implements RuntimeAdapter {
  readonly id = "podman";
  readonly kind = "podman" as const;
  readonly node = null;
  readonly endpoint: string;
  readonly client: LibpodClient;
  readonly pods: PodOperations;
  /** Serialise pod creation: two requests at once must not race for names or a port. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `docker`: where the stand-in images are built (then copied into Podman); null: only what Podman has. */
  private readonly cgroupRoot: string;

  constructor(opts: { socketPath?: string; docker?: DockerClient | null; cgroupRoot?: string } = {}) {
    this.cgroupRoot = opts.cgroupRoot ?? "/sys/fs/cgroup";
    let endpoint: string;
    try {
      endpoint = opts.socketPath ?? podmanSocketPath();
    } catch (err) {
      // CONTAINER_HOST names no unix socket: a state status() reports, not a crash.
      this.configError = err as Error;
      endpoint = podmanHostSetting() ?? "";
    }
    this.endpoint = endpoint;
    this.client = new LibpodClient(this.endpoint);
    const docker = opts.docker ?? null;
    this.pods = {
      imageChoices: () => this.imageChoices(docker),
      createCatalogueEntry: (id, o) => this.createCatalogueEntry(docker, id, o),
      createPods: (specs, o) => this.createPods(docker, specs, o),
      podContainers: (pod) => this.podContainers(pod),
      deletePod: (pod) => this.deletePod(pod),
      exec: (id, argv, o) => this.exec(id, argv, o),
      entrySteps: (id, instance) => this.entrySteps(docker, id, instance),
      runStep: (id, instance, index) => this.runStep(docker, id, instance, index),
    };
  }

  explain(err: unknown) {
    return explainPodmanError(err as PodmanErrorLike, this.endpoint, (process.getuid?.() ?? 0) !== 0);
  }

  private readonly configError: Error | null = null;

  async status(): Promise<RuntimeStatus> {
    if (this.configError) {
      return podmanStatusUnreachable(
        { reason: "error", message: this.configError.message, hint: "Set CONTAINER_HOST=unix:///run/podman/podman.sock (or unset it for the default socket)." },
        this.endpoint,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<RuntimeStatus>((resolve) => {
      timer = setTimeout(
        () => resolve(podmanStatusUnreachable(this.explain({ name: "TimeoutError", message: `no answer within ${STATUS_DEADLINE_MS} ms` }), this.endpoint)),
        STATUS_DEADLINE_MS,
      );
    });
    const ask = (async () => {
      try {
        return podmanStatusFromPing(await this.client.ping(), this.endpoint);
      } catch (err) {
        return podmanStatusUnreachable(this.explain(err), this.endpoint);
      }
    })();
    try {
      return await Promise.race([ask, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async containers(): Promise<ContainerFacts[]> {
    if (this.configError) throw this.configError;
    const [pods, list] = await Promise.all([
      this.client.get("/pods/json") as Promise<LibpodPodListEntry[] | null>,
      this.client.get("/containers/json", { query: { all: true }, timeoutMs: TIMEOUTS.list }) as Promise<LibpodContainerListEntry[] | null>,
    ]);
    const inspects = new Map<string, LibpodContainerInspect>();
    await Promise.all(
      (list ?? []).map(async (c) => {
        try {
          inspects.set(c.Id, (await this.client.get(`/containers/${c.Id}/json`)) as LibpodContainerInspect);
        } catch (err) {
          if (!(err instanceof LibpodHttpError && err.status === 404)) throw err; // removed meanwhile
        }
      }),
    );
    return podmanContainerFacts(pods ?? [], (list ?? []).filter((c) => inspects.has(c.Id)), inspects);
  }

  /** Podman's own event stream: each container event also as a ContainerEvent (its own timeNano), for the pods' timelines. */
  async *changes(signal: AbortSignal): AsyncGenerator<RuntimeChange> {
    const lines = await this.client.openEventLines({ type: ["container", "pod"] }, signal);
    yield { kind: "connected" };
    for await (const line of lines) {
      const change = parsePodmanEventLine(line);
      if (change) yield { kind: "changed", containerId: change.containerId, action: change.action, ...(change.event ? { events: [change.event] } : {}) };
    }
  }

  /** How a just-created container joined its pod (HostConfig's "container:<infra id>" modes), from one inspect. */
  async joinModes(containerId: string): Promise<JoinModes | null> {
    try {
      return podmanJoinModes((await this.client.get(`/containers/${encodeURIComponent(containerId)}/json`, { timeoutMs: TIMEOUTS.list })) as LibpodContainerInspect);
    } catch (err) {
      if (err instanceof LibpodHttpError && err.status === 404) return null; // removed meanwhile
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------
  // Pods
  // -------------------------------------------------------------------------------------

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private infraImageName: string | null = null;
  /** Podman's infra image name (from /version, asked once: it is slow). */
  private async infraImage(): Promise<string> {
    this.infraImageName ??= podmanInfraImage((await this.client.version()) as LibpodVersion) ?? "localhost/podman-pause";
    return this.infraImageName;
  }

  async imageChoices(docker: DockerClient | null): Promise<ImageChoice[]> {
    const choices = await podmanImageChoices(this.client, docker);
    const infra = await this.infraImage();
    if (!choices.some((c) => c.ref === infra)) choices.push({ ref: infra, source: "real", role: "pause", tools: [], present: false });
    return choices;
  }

  async createCatalogueEntry(docker: DockerClient | null, id: CatalogueEntryId, opts: { suffix?: string; hostPort?: number } = {}): Promise<CreatedSpecPod[]> {
    const infra = await this.infraImage();
    // The sandbox is Podman's own infra container (catatonit), built by Podman locally.
    const { entry, specs } = await catalogueSpecs(
      id,
      async (role) => (role === "pause" ? { ref: infra, source: "real" } : resolvePodmanImage(this.client, docker, role)),
      opts,
    );
    return this.createPods(docker, specs.map(podmanCatalogueSpec), { sample: entry.id });
  }

  async createPods(docker: DockerClient | null, specs: readonly PodSpec[], opts: { sample: string }): Promise<CreatedSpecPod[]> {
    return this.serialised(async () => {
      const choices = await this.imageChoices(docker);
      const issues = specs.flatMap((s) => {
        const own = podmanSpecIssues(s);
        return own.length > 0 ? own : imageIssues(s, choices);
      });
      if (issues.length > 0) throw new PodSpecError(issues);
      for (const s of specs) if (await this.podExists(s.name)) throw new PodExistsError(s.name);
      const infra = await this.infraImage();
      const refs = [...new Set(specs.flatMap((s) => [...(s.sandbox.kind === "sleep" ? [s.sandbox.image] : []), ...s.initContainers.map((c) => c.image), ...s.containers.map((c) => c.image)]))];
      if (docker) await ensureChoicesPresent(docker, refs, await dockerImageChoices(docker));
      for (const ref of refs) if (ref !== infra) await ensureInPodman(this.client, ref);
      const sourceOf = (ref: string): ImageSource => choices.find((i) => i.ref === ref)?.source ?? "other";
      const extraLabels = runLabels();

      const created: CreatedSpecPod[] = [];
      for (const spec of specs) {
        const plan = planPodmanPod(spec, { sample: opts.sample, sourceOf, extraLabels });
        try {
          created.push(await this.createPlanned(plan));
        } catch (err) {
          for (const pod of [...created.map((p) => p.name), spec.name]) await this.deletePod(pod).catch(() => undefined);
          if (spec.port && isPortInUse(err)) throw new PortInUseError(spec.port.hostPort);
          throw err;
        }
      }
      return created;
    });
  }

  // -------------------------------------------------------------------------------------
  // Step by step: the same plan as createPods, one call at a time
  // -------------------------------------------------------------------------------------

  private async stepPlans(docker: DockerClient | null, id: CatalogueEntryId, { suffix, hostPort }: StepInstance) {
    const infra = await this.infraImage();
    const { entry, specs: raw } = await catalogueSpecs(
      id,
      async (role) => (role === "pause" ? { ref: infra, source: "real" } : resolvePodmanImage(this.client, docker, role)),
      { suffix, hostPort, uid: stepUid(suffix) },
    );
    const specs = raw.map(podmanCatalogueSpec);
    const issues = specs.flatMap((s) => podmanSpecIssues(s));
    if (issues.length > 0) throw new PodSpecError(issues);
    const choices = await this.imageChoices(docker);
    const sourceOf = (ref: string): ImageSource => choices.find((i) => i.ref === ref)?.source ?? "other";
    const extraLabels = stepwiseLabels();
    const plans = specs.map((spec) => planPodmanPod(spec, { sample: entry.id, sourceOf, extraLabels }));
    const steps = numberEntrySteps(plans.map((p) => ({ pod: p.pod, steps: planPodmanSteps(p, { infraImage: infra }) })));
    return { plans, steps, infra };
  }

  async entrySteps(docker: DockerClient | null, id: CatalogueEntryId, instance: StepInstance): Promise<EntryStep[]> {
    return (await this.stepPlans(docker, id, instance)).steps;
  }

  /**
   * The sandbox step: the pod's volumes, POST /pods/create and /pods/<name>/start (its infra
   * container alone). A member: POST /containers/create into the pod, then /start; an init
   * container as a plain member, waited for until it exited 0.
   */
  async runStep(docker: DockerClient | null, id: CatalogueEntryId, instance: StepInstance, index: number): Promise<StepRun> {
    return this.serialised(async () => {
      const { plans, steps, infra } = await this.stepPlans(docker, id, instance);
      const step = pickStep(id, steps, index);
      const existing = await this.podContainers(step.pod);
      if (step.kind !== "container") return runProbeStep(step, existing, (cid, argv, opts) => this.exec(cid, argv, opts));
      refuseIfMade(step, existing);
      const plan = plans.find((p) => p.pod === step.pod)!;
      if (step.container === plan.create.infra_name) {
        if (await this.podExists(plan.pod)) throw new StepError(409, `${plan.pod} exists already: this step has been run`);
        const image = plan.create.infra_image;
        if (image && docker) await ensureChoicesPresent(docker, [image], await dockerImageChoices(docker));
        if (image && image !== infra) await ensureInPodman(this.client, image);
        try {
          for (const v of plan.volumes) await this.client.post("/volumes/create", v);
          const pod = (await this.client.post("/pods/create", plan.create)) as { Id: string };
          await this.client.post(`/pods/${encodeURIComponent(plan.pod)}/start`, null, { timeoutMs: TIMEOUTS.start });
          const inspect = (await this.client.get(`/pods/${encodeURIComponent(plan.pod)}/json`)) as { InfraContainerID?: string };
          return { step, containerId: inspect.InfraContainerID ?? pod.Id, output: null, exitCode: null };
        } catch (err) {
          await this.deletePod(plan.pod).catch(() => undefined);
          if (plan.create.portmappings?.[0] && isPortInUse(err)) throw new PortInUseError(plan.create.portmappings[0].host_port);
          throw err;
        }
      }
      if (!existing.some((c) => c.pod?.isSandbox && c.state === "running")) throw new StepError(409, `${plan.pod} is not running: run the steps before this one first`);
      const c = plan.containers.find((x) => x.body.name === step.container)!;
      if (docker) await ensureChoicesPresent(docker, [c.body.image], await dockerImageChoices(docker));
      await ensureInPodman(this.client, c.body.image);
      const { Id } = (await this.client.post("/containers/create", stepBody(c.body))) as { Id: string };
      try {
        await this.client.post(`/containers/${Id}/start`, null, { timeoutMs: TIMEOUTS.start });
        if (c.kind === "init") {
          const code = Number(await this.client.post(`/containers/${Id}/wait`, null, { query: { condition: "exited" }, timeoutMs: TIMEOUTS.start }));
          if (code !== 0) throw new InitFailedError(c.podName, code);
        }
      } catch (err) {
        await this.client.call("DELETE", `/containers/${Id}`, { query: { force: true, t: 2 }, timeoutMs: TIMEOUTS.remove }).catch(() => undefined);
        throw err;
      }
      return { step, containerId: Id, output: null, exitCode: c.kind === "init" ? 0 : null };
    });
  }

  private async podExists(name: string): Promise<boolean> {
    try {
      await this.client.get(`/pods/${encodeURIComponent(name)}/exists`);
      return true;
    } catch (err) {
      if (err instanceof LibpodHttpError && err.status === 404) return false;
      throw err;
    }
  }

  private async createPlanned(plan: PodmanPlan): Promise<CreatedSpecPod> {
    for (const v of plan.volumes) await this.client.post("/volumes/create", v);
    const pod = (await this.client.post("/pods/create", plan.create)) as { Id: string };
    const containers: CreatedContainer[] = [];
    for (const c of plan.containers) {
      const { Id } = (await this.client.post("/containers/create", c.body)) as { Id: string };
      containers.push({ id: Id, name: c.body.name, kind: c.kind, image: c.body.image });
    }
    try {
      // Podman runs the init containers, one after the other, to completion, then the others.
      await this.client.post(`/pods/${encodeURIComponent(plan.pod)}/start`, null, { timeoutMs: TIMEOUTS.start });
    } catch (err) {
      for (const c of plan.containers.filter((p) => p.kind === "init")) {
        const inspect = (await this.client.get(`/containers/${encodeURIComponent(c.body.name)}/json`).catch(() => null)) as
          | { State?: { ExitCode?: number; Status?: string } }
          | null;
        const code = inspect?.State?.ExitCode ?? 0;
        if (code !== 0) throw new InitFailedError(c.podName, code);
      }
      throw err;
    }
    const infra = (await this.client.get(`/pods/${encodeURIComponent(plan.pod)}/json`)) as { InfraContainerID?: string };
    const sandbox: CreatedContainer = {
      id: infra.InfraContainerID ?? "",
      name: plan.create.infra_name,
      kind: "sandbox",
      image: plan.create.infra_image ?? (await this.infraImage()),
    };
    return { name: plan.pod, podId: pod.Id, containers: [sandbox, ...containers] };
  }

  /** Our Podman pods of that name (by label: only ours). */
  private async ourPods(pod: string): Promise<LibpodPodListEntry[]> {
    const filters = JSON.stringify({ label: [`${LABEL_APP}=${LABEL_APP_VALUE}`, `${LABEL_POD}=${pod}`] });
    return ((await this.client.get("/pods/json", { query: { filters }, timeoutMs: TIMEOUTS.list })) as LibpodPodListEntry[] | null) ?? [];
  }

  async podContainers(pod: string): Promise<ContainerFacts[]> {
    const all = await this.containers();
    return all.filter((c) => c.labels[LABEL_APP] === LABEL_APP_VALUE && c.labels[LABEL_POD] === pod);
  }

  /**
   * DELETE /libpod/pods/<id>?force=true (its infra container too), what Podman leaves of its
   * cgroup (cgroups.ts), then its volumes. The names of the containers removed.
   */
  async deletePod(pod: string): Promise<string[]> {
    const removed: string[] = [];
    for (const p of await this.ourPods(pod)) {
      const list = ((await this.client.get("/containers/json", { query: { all: true, filters: JSON.stringify({ pod: [p.Id] }) }, timeoutMs: TIMEOUTS.list })) ??
        []) as LibpodContainerListEntry[];
      try {
        // Stopped first with a short grace (DELETE alone waits 10 s for processes that ignore SIGTERM, as nc does).
        await this.client.post(`/pods/${p.Id}/stop`, null, { query: { t: 2 }, timeoutMs: TIMEOUTS.remove }).catch(() => undefined);
        await this.client.call("DELETE", `/pods/${p.Id}`, { query: { force: true }, timeoutMs: TIMEOUTS.remove });
      } catch (err) {
        if (!(err instanceof LibpodHttpError && err.status === 404)) throw err;
      }
      removePodCgroups(p.Cgroup || "/libpod_parent", p.Id, this.cgroupRoot);
      removed.push(...list.map((c) => c.Names[0] ?? c.Id));
    }
    // Containers of ours left outside a pod (a create that failed half-way), then the pod's volumes.
    const filters = JSON.stringify({ label: [`${LABEL_APP}=${LABEL_APP_VALUE}`, `${LABEL_POD}=${pod}`] });
    const strays = ((await this.client.get("/containers/json", { query: { all: true, filters }, timeoutMs: TIMEOUTS.list })) ?? []) as LibpodContainerListEntry[];
    for (const c of strays) {
      await this.client.call("DELETE", `/containers/${c.Id}`, { query: { force: true, t: 2 }, timeoutMs: TIMEOUTS.remove }).catch(() => undefined);
      removed.push(c.Names[0] ?? c.Id);
    }
    const volumes = ((await this.client.get("/volumes/json", { query: { filters }, timeoutMs: TIMEOUTS.list })) ?? []) as { Name: string }[];
    // Not forced: their containers are gone by now. (Measured with 4.3.1: a forced volume
    // removal racing a container's cleanup process deadlocks the service.)
    for (const v of volumes) await this.client.call("DELETE", `/volumes/${encodeURIComponent(v.Name)}`, { timeoutMs: TIMEOUTS.remove });
    return removed;
  }

  async exec(containerId: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult> {
    const inspect = (await this.client.get(`/containers/${encodeURIComponent(containerId)}/json`)) as { Config?: { Labels?: Record<string, string> | null } };
    // Our pod label too: the stand-in images carry LABEL_APP themselves, so any container made from one has it.
    const labels = inspect.Config?.Labels ?? {};
    if (labels[LABEL_APP] !== LABEL_APP_VALUE || !labels[LABEL_POD]) throw new Error(`${containerId} is not a container of Pod Anatomy's: exec refused.`);
    const { Id } = (await this.client.post(`/containers/${encodeURIComponent(containerId)}/exec`, { Cmd: argv, AttachStdout: true, AttachStderr: true })) as { Id: string };
    const out = await this.client.execStart(Id, opts);
    let exitCode: number | null = null;
    if (!out.timedOut) {
      const info = (await this.client.get(`/exec/${Id}/json`, { timeoutMs: TIMEOUTS.list })) as { ExitCode?: number; Running?: boolean };
      exitCode = info.Running ? null : (info.ExitCode ?? null);
    }
    return { exitCode, stdout: out.stdout, stderr: out.stderr, truncated: out.truncated, timedOut: out.timedOut };
  }
}
