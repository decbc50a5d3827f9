import "server-only";
import { catalogueSpecs } from "../../catalogue-specs";
import { runLabels, stepwiseLabels } from "../../config";
import { randomUUID } from "node:crypto";
import net from "node:net";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import {
  classifyCriError,
  criRuntimeOf,
  criRuntimeStatus,
  criUnreachableStatus,
  GRPC,
  sandboxName,
  toCriContainerFacts,
  type CriContainerRecord,
  type CriSandboxRecord,
  verboseInfo,
} from "@/lib/model/cri-facts";
import { criChangeEvents, criJoinModes, criPollChanges, criSeen, CRI_POLL_MS, type CriChangeDetail, type CriPollChange, type CriSeen } from "@/lib/model/cri-events";
import type { JoinModes } from "@/lib/model/event-history";
import { criSpecIssues, planCriPod, type CgroupDriver, type CriPodPlan } from "@/lib/model/cri-plan";
import { numberEntrySteps, planCriSteps } from "@/lib/model/runtime-steps";
import { stepUid, type EntryStep, type StepRun } from "@/lib/model/steps";
import { imageIssues, type ImageChoice, type PodSpec } from "@/lib/model/pod-spec";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, type ContainerFacts, type ContainerRuntime, type ImageSource, type RuntimeStatus } from "@/lib/model/types";
import { InitFailedError, PodExistsError, PodSpecError } from "@/lib/server/pod-creator";
import { PortInUseError } from "@/lib/server/pods";
import { pickStep, refuseIfMade, runProbeStep, StepError } from "@/lib/server/steps";
import type { CreatedContainer, CreatedSpecPod, ExecResult, PodOperations, RuntimeAdapter, RuntimeChange, StepInstance } from "../runtime";
import { CriClient, socketPathOf } from "./client";
import { removePodCgroup } from "./pod-cgroups";
import { criImageChoices, ensureCriStandIn, ensureSandboxImage, normaliseRef, resolveCriImage } from "./images";

/**
 * A CRI runtime (containerd, CRI-O) over its runtime.v1 gRPC socket, as the kubelet uses
 * it. Reads: ListPodSandbox + PodSandboxStatus(verbose) + ListContainers +
 * ContainerStatus(verbose), reshaped by lib/model/cri-facts.ts. Pods: made as the kubelet
 * makes them (lib/model/cri-plan.ts): RunPodSandbox, then CreateContainer / StartContainer
 * per container, init containers run to completion one after the other first.
 *
 * A runtime inside a node container (kind, minikube; reached through /proc/PID/root) is
 * read only: no `pods`.
 */

const STATUS_BUDGET_MS = 2_000;
const INIT_TIMEOUT_MS = 120_000;
const INIT_POLL_MS = 250;

export interface CriRuntimeOptions {
  /** `unix:///path` or a path. */
  endpoint: string;
  /** The node container's name for a nested runtime (then read only); null: this host. */
  node?: string | null;
  /** Read only even on this host. */
  readOnly?: boolean;
}

/** Map over items with at most `limit` calls at once. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const isNotFound = (err: unknown) => (err as { code?: number })?.code === 5; // NOT_FOUND

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export class CriRuntime implements RuntimeAdapter {
  readonly kind = "cri" as const;
  readonly id: string;
  readonly endpoint: string;
  readonly node: string | null;
  readonly pods?: PodOperations;
  readonly client: CriClient;
  private runtimeName: ContainerRuntime = "unknown";

  constructor(opts: CriRuntimeOptions) {
    const socketPath = socketPathOf(opts.endpoint);
    this.client = new CriClient({ endpoint: socketPath });
    this.endpoint = this.client.endpoint;
    this.id = `cri:${socketPath}`;
    this.node = opts.node ?? null;
    if (!this.node && !opts.readOnly) this.pods = new CriPods(this);
  }

  explain(err: unknown) {
    return classifyCriError(err, this.client.socketPath);
  }

  close(): void {
    this.client.close();
  }

  private ref() {
    return { id: this.id, endpoint: this.endpoint, node: this.node };
  }

  async status(): Promise<RuntimeStatus> {
    const ask = this.client
      .version()
      .then((v) => {
        this.runtimeName = criRuntimeOf(v.runtime_name);
        return criRuntimeStatus(this.ref(), v);
      })
      .catch((err: unknown) => criUnreachableStatus(this.ref(), classifyCriError(err, this.client.socketPath)));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<RuntimeStatus>((resolve) => {
      timer = setTimeout(
        () => resolve(criUnreachableStatus(this.ref(), classifyCriError({ code: GRPC.DEADLINE_EXCEEDED, details: "no answer" }, this.client.socketPath))),
        STATUS_BUDGET_MS,
      );
    });
    try {
      return await Promise.race([ask, budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Which runtime answers (cached after the first Version). */
  async runtime(): Promise<ContainerRuntime> {
    if (this.runtimeName === "unknown") {
      const v = await this.client.version();
      this.runtimeName = criRuntimeOf(v.runtime_name);
    }
    return this.runtimeName;
  }

  /** Sandboxes and containers matching a label selector, with their verbose statuses, reshaped. */
  async read(labelSelector?: Record<string, string>): Promise<ContainerFacts[]> {
    const runtime = await this.runtime();
    const filter = labelSelector ? { label_selector: labelSelector } : {};
    const [sandboxes, containers] = await Promise.all([this.client.listPodSandbox(filter), this.client.listContainers(filter)]);
    const sandboxRecords: CriSandboxRecord[] = await mapLimit(sandboxes, 8, async (sandbox) => ({
      sandbox,
      status: await this.client.podSandboxStatus(sandbox.id).catch((err: unknown) => {
        if (isNotFound(err)) return null;
        throw err;
      }),
    }));
    const containerRecords: CriContainerRecord[] = await mapLimit(containers, 8, async (container) => ({
      container,
      status: await this.client.containerStatus(container.id).catch((err: unknown) => {
        if (isNotFound(err)) return null;
        throw err;
      }),
    }));
    return toCriContainerFacts(sandboxRecords, containerRecords, runtime, this.node ?? undefined);
  }

  containers(): Promise<ContainerFacts[]> {
    return this.read();
  }

  /** The last poll's sandboxes and containers (joinModes finds a container's sandbox there). */
  private lastSeen = new Map<string, CriSeen>();

  /**
   * A bounded poll (every second) of the ids and states of sandboxes and containers. Each
   * change also comes with the ContainerEvents it tells (lib/model/cri-events.ts), timed by
   * the CRI: one ContainerStatus per container new or changed (at most 4 at once), one
   * PodSandboxStatus per new sandbox (its image).
   */
  async *changes(signal: AbortSignal): AsyncIterable<RuntimeChange> {
    const poll = async (): Promise<Map<string, CriSeen>> => {
      const [s, c] = await Promise.all([this.client.listPodSandbox(), this.client.listContainers()]);
      return criSeen(s, c);
    };
    let last = await poll();
    this.lastSeen = last;
    yield { kind: "connected" };
    while (!signal.aborted) {
      await sleep(CRI_POLL_MS, signal);
      if (signal.aborted) return;
      const now = await poll();
      const observedAt = (BigInt(Date.now()) * 1_000_000n).toString();
      const changes = criPollChanges(last, now);
      this.lastSeen = new Map([...last, ...now]); // the gone ones too, until the next poll
      const details = await mapLimit(changes, 4, (change) => this.changeDetail(change));
      for (const [i, change] of changes.entries()) {
        yield { kind: "changed", containerId: change.id, action: change.action, events: criChangeEvents(change, details[i]!, observedAt) };
      }
      last = now;
      this.lastSeen = now;
    }
  }

  /** The one call a change is worth: a container's status (new or changed), a new sandbox's image; nothing for the gone. */
  private async changeDetail(change: CriPollChange): Promise<CriChangeDetail> {
    const seen = change.now;
    if (!seen) return {};
    try {
      if (seen.kind === "container") return { status: (await this.client.containerStatus(seen.id, false)).status };
      if (!change.before) {
        const image = verboseInfo((await this.client.podSandboxStatus(seen.id, true)).info).image;
        return { sandboxImage: typeof image === "string" ? image : "" };
      }
    } catch {
      // Gone meanwhile (NOT_FOUND), or no answer in time: the list's word and this poll's time, rather than no event.
      return seen.kind === "container" ? { status: null } : {};
    }
    return {};
  }

  /** How a container shares its sandbox's namespaces: the sandbox's NamespaceOption (the CRI sets them per pod), one PodSandboxStatus. */
  async joinModes(containerId: string): Promise<JoinModes | null> {
    const sandboxId = this.lastSeen.get(containerId)?.sandboxId;
    if (!sandboxId) return null;
    try {
      return criJoinModes((await this.client.podSandboxStatus(sandboxId, false)).status?.linux?.namespaces?.options);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }
}

/** Serialise pod creation per runtime: two clicks must not race for the same names or port. */
function serialiser() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn, fn);
    queue = result.catch(() => undefined);
    return result;
  };
}

/** Whether something already listens on 127.0.0.1:port (CNI portmap does not bind, so it would not say). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

interface RuntimeConfig {
  sandboxImage: string;
  cgroupDriver: CgroupDriver;
}

class CriPods implements PodOperations {
  private readonly serialised = serialiser();

  constructor(private readonly rt: CriRuntime) {}

  private get client(): CriClient {
    return this.rt.client;
  }

  /** The sandbox image and cgroup driver, from Status(verbose)'s config (containerd: sandboxImage, runc's SystemdCgroup). */
  async runtimeConfig(): Promise<RuntimeConfig> {
    const st = await this.client.status(true);
    let config: Record<string, unknown> = {};
    try {
      config = JSON.parse(st.info.config ?? "{}") as Record<string, unknown>;
    } catch {
      config = {};
    }
    const sandboxImage = typeof config.sandboxImage === "string" ? config.sandboxImage : typeof config.pause_image === "string" ? config.pause_image : "registry.k8s.io/pause:3.10";
    const runtimes = (config.containerd as { defaultRuntimeName?: string; runtimes?: Record<string, { options?: { SystemdCgroup?: boolean } }> } | undefined) ?? {};
    const runc = runtimes.runtimes?.[runtimes.defaultRuntimeName ?? "runc"] ?? runtimes.runtimes?.runc;
    const systemd = runc?.options?.SystemdCgroup === true || config.systemdCgroup === true || config.cgroup_manager === "systemd";
    return { sandboxImage, cgroupDriver: systemd ? "systemd" : "cgroupfs" };
  }

  imageChoices(): Promise<ImageChoice[]> {
    return criImageChoices(this.client);
  }

  private selector(pod: string): Record<string, string> {
    return { [LABEL_APP]: LABEL_APP_VALUE, [LABEL_POD]: pod };
  }

  podContainers(pod: string): Promise<ContainerFacts[]> {
    return this.rt.read(this.selector(pod));
  }

  /** Containers stopped and removed, then the sandbox stopped (netns, CNI teardown) and removed (its cgroups). */
  async deletePod(pod: string): Promise<string[]> {
    const selector = this.selector(pod);
    const [sandboxes, containers] = await Promise.all([this.client.listPodSandbox({ label_selector: selector }), this.client.listContainers({ label_selector: selector })]);
    const removed: string[] = [];
    for (const c of containers) {
      await this.client.stopContainer(c.id, 2).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      await this.client.removeContainer(c.id).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      removed.push(c.metadata?.name ?? c.id);
    }
    for (const s of sandboxes) {
      const info = verboseInfo((await this.client.podSandboxStatus(s.id).catch(() => null))?.info);
      const parent = (info.config as { linux?: { cgroup_parent?: string } } | undefined)?.linux?.cgroup_parent;
      await this.removeSandbox(s.id);
      // As the kubelet: the pod cgroup goes once the pod is gone.
      if (parent) removePodCgroup(parent);
      removed.push(sandboxName(s.metadata?.name ?? pod));
    }
    return removed;
  }

  private async removeSandbox(id: string): Promise<void> {
    await this.client.stopPodSandbox(id).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await this.client.removePodSandbox(id).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async exec(containerId: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult> {
    const st = await this.client.containerStatus(containerId, false);
    if (st.status?.labels?.[LABEL_APP] !== LABEL_APP_VALUE) throw new Error(`Container ${containerId} was not made by Pod Anatomy: it is not touched.`);
    const cut = (b: Buffer) => ({ text: b.subarray(0, opts.maxBytes).toString("utf8"), cut: b.length > opts.maxBytes });
    try {
      const res = await this.client.execSync(containerId, argv, Math.max(1, Math.ceil(opts.timeoutMs / 1000)));
      const out = cut(Buffer.from(res.stdout ?? []));
      const err = cut(Buffer.from(res.stderr ?? []));
      return { exitCode: res.exit_code, stdout: out.text, stderr: err.text, truncated: out.cut || err.cut, timedOut: false };
    } catch (err) {
      const code = (err as { code?: number }).code;
      const details = (err as { details?: string }).details ?? "";
      if (code === GRPC.DEADLINE_EXCEEDED || /timeout/i.test(details)) return { exitCode: null, stdout: "", stderr: "", truncated: false, timedOut: true };
      throw err;
    }
  }

  async createCatalogueEntry(id: CatalogueEntryId, opts: { suffix?: string; hostPort?: number } = {}): Promise<CreatedSpecPod[]> {
    // The sandbox image is the runtime's own (RunPodSandbox takes none): the spec names the pause stand-in.
    const { entry, specs } = await catalogueSpecs(
      id,
      (role) => (role === "pause" ? ensureCriStandIn(this.client, "pause") : resolveCriImage(this.client, role)),
      opts,
    );
    return this.createPods(specs, { sample: entry.id });
  }

  createPods(specs: readonly PodSpec[], opts: { sample: string }): Promise<CreatedSpecPod[]> {
    return this.serialised(async () => {
      const issues = specs.flatMap((s) => criSpecIssues(s));
      if (issues.length > 0) throw new PodSpecError(issues);
      const choices = await this.imageChoices();
      const imageProblems = specs.flatMap((s) => imageIssues(s, choices));
      if (imageProblems.length > 0) throw new PodSpecError(imageProblems);
      for (const s of specs) if ((await this.client.listPodSandbox({ label_selector: this.selector(s.name) })).length > 0) throw new PodExistsError(s.name);
      // CNI portmap publishes with DNAT rules and binds nothing: a port is taken when something
      // listens on it, or when a sandbox of ours already maps it.
      const mapped = await this.mappedHostPorts();
      for (const s of specs) if (s.port && (mapped.has(s.port.hostPort) || (await portTaken(s.port.hostPort)))) throw new PortInUseError(s.port.hostPort);

      const config = await this.runtimeConfig();
      const sandboxSource = await ensureSandboxImage(this.client, config.sandboxImage);
      await this.ensureImages(specs.flatMap((s) => [...s.initContainers, ...s.containers].map((c) => c.image)), choices);
      const sourceOf = (ref: string): ImageSource => choices.find((c) => normaliseRef(c.ref) === normaliseRef(ref))?.source ?? "other";
      const extraLabels = runLabels();

      const created: CreatedSpecPod[] = [];
      for (const spec of specs) {
        const plan = planCriPod(spec, { sample: opts.sample, sourceOf, extraLabels, uid: randomUUID(), cgroupDriver: config.cgroupDriver, sandboxImageSource: sandboxSource });
        try {
          created.push(await this.createPlanned(plan));
        } catch (err) {
          // All or nothing: every pod of this request, by label (also what was made before an id came back).
          for (const pod of [...created.map((p) => p.name), spec.name]) await this.deletePod(pod).catch(() => undefined);
          throw err;
        }
      }
      return created;
    });
  }

  /** Every image used must be in the runtime's store: stand-ins are imported from Docker. */
  private async ensureImages(refs: readonly string[], choices: readonly ImageChoice[]): Promise<void> {
    for (const ref of new Set(refs)) {
      if (await this.client.imageStatus(ref)) continue;
      const choice = choices.find((c) => normaliseRef(c.ref) === normaliseRef(ref));
      if (choice?.source === "stand-in" && choice.role) await ensureCriStandIn(this.client, choice.role as "pause" | "nginx" | "ghost" | "busybox");
      else throw new PodSpecError([{ path: "image", message: `${ref} is not in the runtime's image store` }]);
    }
  }

  // -------------------------------------------------------------------------------------
  // Step by step: the same plan as createPods (the uid derived from the suffix), one call at a time.
  // -------------------------------------------------------------------------------------

  private async stepPlans(id: CatalogueEntryId, { suffix, hostPort }: StepInstance) {
    const { entry, specs } = await catalogueSpecs(
      id,
      (role) => (role === "pause" ? ensureCriStandIn(this.client, "pause") : resolveCriImage(this.client, role)),
      { suffix, hostPort, uid: stepUid(suffix) },
    );
    const issues = specs.flatMap((s) => criSpecIssues(s));
    if (issues.length > 0) throw new PodSpecError(issues);
    const choices = await this.imageChoices();
    const config = await this.runtimeConfig();
    const sandboxSource = await ensureSandboxImage(this.client, config.sandboxImage);
    const sourceOf = (ref: string): ImageSource => choices.find((c) => normaliseRef(c.ref) === normaliseRef(ref))?.source ?? "other";
    const extraLabels = stepwiseLabels();
    const plans = specs.map((spec) =>
      planCriPod(spec, { sample: entry.id, sourceOf, extraLabels, uid: stepUid(suffix), cgroupDriver: config.cgroupDriver, sandboxImageSource: sandboxSource }),
    );
    const runtime = await this.rt.runtime();
    const steps = numberEntrySteps(plans.map((p) => ({ pod: p.pod, steps: planCriSteps(p, { runtime, sandboxImage: config.sandboxImage }) })));
    return { plans, steps, choices };
  }

  async entrySteps(id: CatalogueEntryId, instance: StepInstance): Promise<EntryStep[]> {
    return (await this.stepPlans(id, instance)).steps;
  }

  /** The sandbox step: RunPodSandbox. A container step: CreateContainer into the pod's ready sandbox, StartContainer (an init container waited for). */
  runStep(id: CatalogueEntryId, instance: StepInstance, index: number): Promise<StepRun> {
    return this.serialised(async () => {
      const { plans, steps, choices } = await this.stepPlans(id, instance);
      const step = pickStep(id, steps, index);
      const existing = await this.podContainers(step.pod);
      if (step.kind !== "container") return runProbeStep(step, existing, (cid, argv, opts) => this.exec(cid, argv, opts));
      refuseIfMade(step, existing);
      const plan = plans.find((p) => p.pod === step.pod)!;
      if (step.container === sandboxName(plan.pod)) {
        if (existing.some((c) => c.pod?.isSandbox)) throw new StepError(409, `${plan.pod} has a sandbox already: this step has been run`);
        const hostPort = plan.sandbox.port_mappings[0]?.host_port;
        if (hostPort && ((await this.mappedHostPorts()).has(hostPort) || (await portTaken(hostPort)))) throw new PortInUseError(hostPort);
        try {
          const podId = await this.client.runPodSandbox(plan.sandbox);
          return { step, containerId: podId, output: null, exitCode: null };
        } catch (err) {
          await this.deletePod(plan.pod).catch(() => undefined);
          throw err;
        }
      }
      const sandbox = existing.find((c) => c.pod?.isSandbox && c.state === "running");
      if (!sandbox) throw new StepError(409, `${plan.pod} has no ready sandbox: run the steps before this one first`);
      const c = plan.containers.find((x) => x.name === step.container)!;
      await this.ensureImages([c.config.image.image], choices);
      const cid = await this.client.createContainer(sandbox.id, c.config, plan.sandbox);
      try {
        await this.client.startContainer(cid);
        if (c.kind === "init") {
          const code = await this.waitExited(cid);
          if (code !== 0) throw new InitFailedError(c.name, code);
        }
      } catch (err) {
        // This step made it: it goes.
        await this.client.stopContainer(cid, 2).catch(() => undefined);
        await this.client.removeContainer(cid).catch(() => undefined);
        throw err;
      }
      return { step, containerId: cid, output: null, exitCode: c.kind === "init" ? 0 : null };
    });
  }

  /** Host ports mapped by the ready sandboxes Pod Anatomy made on this runtime. */
  private async mappedHostPorts(): Promise<Set<number>> {
    const facts = await this.rt.read({ [LABEL_APP]: LABEL_APP_VALUE });
    return new Set(facts.filter((c) => c.pod?.isSandbox && c.pod.state === "ready").flatMap((c) => c.ports.map((p) => p.hostPort)));
  }

  private async createPlanned(plan: CriPodPlan): Promise<CreatedSpecPod> {
    const podId = await this.client.runPodSandbox(plan.sandbox);
    const containers: CreatedContainer[] = [];
    const make = async (c: CriPodPlan["containers"][number]) => {
      const id = await this.client.createContainer(podId, c.config, plan.sandbox);
      containers.push({ id, name: c.name, kind: c.kind, image: c.config.image.image });
      await this.client.startContainer(id);
      return id;
    };
    // As the kubelet: each init container created, started and waited for until it exited 0; then the app containers.
    for (const c of plan.containers.filter((x) => x.kind === "init")) {
      const id = await make(c);
      const code = await this.waitExited(id);
      if (code !== 0) throw new InitFailedError(c.name, code);
    }
    for (const c of plan.containers.filter((x) => x.kind === "app")) await make(c);
    return { name: plan.pod, podId, containers };
  }

  private async waitExited(id: string): Promise<number> {
    const until = Date.now() + INIT_TIMEOUT_MS;
    while (Date.now() < until) {
      const st = await this.client.containerStatus(id, false);
      if (st.status?.state === "CONTAINER_EXITED") return st.status.exit_code;
      await sleep(INIT_POLL_MS);
    }
    throw new Error(`init container ${id} did not finish within ${INIT_TIMEOUT_MS / 1000} s`);
  }
}
