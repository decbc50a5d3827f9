/**
 * Step by step on the CRI and on Podman: their plans (cri-plan.ts, podman-plan.ts: what the
 * adapters send) cut into steps the way steps.ts cuts Docker's — one real command per step,
 * in the runtime's own CLI (crictl, podman), one line of what it changes, the effect the
 * snapshot shows once it ran (checked by steps.ts effectSeen, the same for every runtime),
 * and the same probe steps (`ps` in a member, fetching the published port).
 *
 * - The CRI: the sandbox is `crictl runp pod.json` (the runtime starts its own pause image,
 *   makes the netns, runs CNI); each container `crictl create <pod-id> c.json pod.json` then
 *   `crictl start`, init containers waited for until they exited. Each command looks the
 *   sandbox up by its name, so a step typed after one run here finds it.
 * - Podman: `podman pod create` + `podman pod start` (the infra container, catatonit, alone),
 *   then per member `podman create --pod …` + `podman start`. An init container is run as a
 *   plain member in the foreground: Podman refuses an init container in a running pod, and
 *   a step-by-step pod is running from its first step.
 *
 * Pure: no I/O.
 */
import { crictlJson, type CriPodPlan } from "./cri-plan";
import type { CriNamespaceMode } from "./cri-facts";
import { shellQuote } from "./docker-run-script";
import { podmanCreateCommand, podmanPodCreateCommand, podmanVolumeCommand, type LibpodContainerCreate, type PodmanPlan } from "./podman-plan";
import { probeSteps, sandboxEffect, SHARED_ORDER, type EntryStep, type Step, type StepEffect } from "./steps";
import type { ContainerRuntime, NamespaceType } from "./types";
import { sandboxName } from "./cri-facts";

const sh = (args: readonly string[]) => args.map(shellQuote).join(" ");
const mib = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;
const numbered = (steps: Omit<Step, "index">[]): Step[] => steps.map((s, index) => ({ ...s, index }));

/** A step of a member: joins the sandbox's namespaces when it shares any, else a sandbox of its own (or the host's network's). */
function memberEffect(runtime: ContainerRuntime, kind: "init" | "app", image: string, sandboxImage: string, shares: NamespaceType[], hostNetwork: boolean): StepEffect {
  if (kind === "init") return { type: "completed", runtime, image };
  return shares.length > 0 ? { type: "joins", runtime, image, sandboxImage, shares } : sandboxEffect(runtime, image, null, hostNetwork);
}

// ---------------------------------------------------------------------------------------
// The CRI
// ---------------------------------------------------------------------------------------

export interface CriStepOptions {
  /** Which runtime answers the CRI (the snapshot's containers carry it): containerd, CRI-O. */
  runtime: ContainerRuntime;
  /** The runtime's configured sandbox image (RunPodSandbox takes none). */
  sandboxImage: string;
}

/** The namespace types a CRI container shares with its sandbox: POD modes; uts follows net. */
export function criShares(modes: { network: CriNamespaceMode; ipc: CriNamespaceMode; pid: CriNamespaceMode }): NamespaceType[] {
  const pod: Partial<Record<NamespaceType, boolean>> = { net: modes.network === "POD", ipc: modes.ipc === "POD", pid: modes.pid === "POD", uts: modes.network === "POD" };
  return SHARED_ORDER.filter((t) => pod[t]);
}

/** The shell line that finds the pod's ready sandbox by name, as a user on the node types it. */
const findPod = (pod: string) => `POD=$(crictl pods -q --name ${shellQuote(`^${pod}$`)} --state ready)`;
const findContainer = (name: string) => `"$(crictl ps -q --pod "$POD" --name ${shellQuote(`^${name}$`)})"`;

export function planCriSteps(plan: CriPodPlan, opts: CriStepOptions): Step[] {
  const options = plan.sandbox.linux.security_context.namespace_options;
  const shares = criShares(options);
  const podJson = { name: "pod.json", content: crictlJson(plan.sandbox) };
  const port = plan.sandbox.port_mappings[0];
  const published = port ? { containerPort: port.container_port, hostIp: port.host_ip, hostPort: port.host_port } : null;
  const cgroup = plan.sandbox.linux.cgroup_parent;
  const own = options.network === "NODE" ? "pid, mnt (net, ipc, uts: the host's)" : `net, ipc, uts${options.pid === "NODE" ? "" : ", pid"}, mnt`;
  const steps: Omit<Step, "index">[] = [
    {
      kind: "container",
      title: `Run the pod sandbox: ${plan.pod}`,
      command: "crictl runp pod.json",
      files: [podJson],
      change:
        `New namespaces (${own}) held by the runtime's pause container (${opts.sandboxImage}), PID 1 of the new pid namespace, under ${cgroup}` +
        (published ? `; the CNI publishes ${published.hostIp}:${published.hostPort} → ${published.containerPort}.` : "."),
      container: sandboxName(plan.pod),
      effect: sandboxEffect(opts.runtime, opts.sandboxImage, published?.hostPort ?? null, options.network === "NODE"),
    },
  ];
  for (const c of plan.containers) {
    const file = `${c.name}.json`;
    const start =
      c.kind === "init"
        ? `C=$(crictl create "$POD" ${shellQuote(file)} pod.json) && crictl start "$C"\nuntil crictl inspect "$C" | grep -q '"state": "CONTAINER_EXITED"'; do sleep 1; done`
        : `crictl start "$(crictl create "$POD" ${shellQuote(file)} pod.json)"`;
    const limit = c.config.linux.resources?.memory_limit_in_bytes ? `, limited to ${mib(c.config.linux.resources.memory_limit_in_bytes)}` : "";
    const joins = shares.length > 0 ? `joins the sandbox's ${shares.join(", ")} namespaces` : "joins none of the sandbox's namespaces";
    steps.push({
      kind: "container",
      title: c.kind === "init" ? `Run init container ${c.name}` : `Start ${c.name}`,
      command: `${findPod(plan.pod)}\n${start}`,
      files: [{ name: file, content: crictlJson(c.config) }, podJson],
      change:
        c.kind === "init"
          ? `${c.name} ${joins}, runs to completion and exits 0 before the next starts, under ${cgroup}.`
          : `${c.name} ${joins}, with a mnt namespace of its own${limit}, under ${cgroup}.`,
      container: c.name,
      effect: memberEffect(opts.runtime, c.kind, c.config.image.image, opts.sandboxImage, shares, options.network === "NODE"),
    });
  }
  const apps = plan.containers.filter((c) => c.kind === "app");
  const member = (c: (typeof apps)[number] | undefined) => c && { name: c.name, podName: c.name };
  steps.push(
    ...probeSteps({
      exec: (name, argv) => `${findPod(plan.pod)}\ncrictl exec ${findContainer(name)} ${sh(argv)}`,
      sandbox: "pause",
      pidMember: options.pid === "POD" ? member(apps[0]) : null,
      netMember: options.network === "POD" ? member(apps[0]) : null,
      port: published,
    }),
  );
  return numbered(steps);
}

// ---------------------------------------------------------------------------------------
// Podman
// ---------------------------------------------------------------------------------------

export interface PodmanStepOptions {
  /** Podman's infra image (localhost/podman-pause:<version>), or the spec's for a sleep sandbox. */
  infraImage: string;
}

/** The namespace types a Podman member shares with the infra container: the pod's, less what it sets itself. */
export function podmanShares(plan: PodmanPlan, body: LibpodContainerCreate): NamespaceType[] {
  const own: Partial<Record<NamespaceType, unknown>> = { net: body.netns, ipc: body.ipcns, pid: body.pidns, uts: body.utsns };
  const shared = new Set(plan.create.shared_namespaces);
  return SHARED_ORDER.filter((t) => shared.has(t) && own[t] === undefined);
}

/** A member's body as a step creates it: an init container as a plain member (Podman refuses one in a running pod). */
export function stepBody(body: LibpodContainerCreate): LibpodContainerCreate {
  const rest = { ...body };
  delete rest.init_container_type;
  return rest;
}

export function planPodmanSteps(plan: PodmanPlan, opts: PodmanStepOptions): Step[] {
  const infraImage = plan.create.infra_image ?? opts.infraImage;
  const port = plan.create.portmappings?.[0];
  const published = port ? { containerPort: port.container_port, hostIp: port.host_ip, hostPort: port.host_port } : null;
  const shared = plan.create.shared_namespaces.filter((t) => t !== "none");
  const infraWord = plan.create.infra_command ? "`sleep infinity`" : "catatonit";
  const steps: Omit<Step, "index">[] = [
    {
      kind: "container",
      title: `Create and start the pod: ${plan.pod}`,
      command: [...plan.volumes.map(podmanVolumeCommand), podmanPodCreateCommand(plan.create), `podman pod start ${shellQuote(plan.pod)}`].join("\n"),
      change:
        `New namespaces (${shared.length > 0 ? shared.join(", ") : "none shared"}, mnt) held by the infra container ${plan.create.infra_name} (${infraWord}, ${infraImage}), PID 1 of the new pid namespace` +
        (published ? `, publishing ${published.hostIp}:${published.hostPort} → ${published.containerPort}.` : "."),
      container: plan.create.infra_name,
      effect: sandboxEffect("podman", infraImage, published?.hostPort ?? null, plan.create.netns?.nsmode === "host"),
    },
  ];
  for (const c of plan.containers) {
    const body = stepBody(c.body);
    const shares = podmanShares(plan, c.body);
    const limit = body.resource_limits?.memory ? `, limited to ${mib(body.resource_limits.memory.limit)}` : "";
    const joins = shares.length > 0 ? `joins ${plan.create.infra_name}'s ${shares.join(", ")} namespaces` : "gets namespaces of its own";
    steps.push({
      kind: "container",
      title: c.kind === "init" ? `Run init container ${c.podName}` : `Start ${c.podName}`,
      command: `${podmanCreateCommand(body)}\npodman start ${c.kind === "init" ? "--attach " : ""}${shellQuote(body.name)}`,
      change:
        c.kind === "init"
          ? `${c.podName} ${joins}, runs to completion in the foreground and exits 0 before the next starts (a plain member: Podman adds no init container to a running pod).`
          : `${c.podName} ${joins}, with a mnt namespace of its own${limit}.`,
      container: body.name,
      effect: memberEffect("podman", c.kind, body.image, infraImage, shares, plan.create.netns?.nsmode === "host"),
    });
  }
  const apps = plan.containers.filter((c) => c.kind === "app");
  const pidMember = apps.find((c) => podmanShares(plan, c.body).includes("pid"));
  const netMember = apps.find((c) => podmanShares(plan, c.body).includes("net"));
  steps.push(
    ...probeSteps({
      exec: (name, argv) => sh(["podman", "exec", name, ...argv]),
      sandbox: "catatonit",
      pidMember: pidMember && { name: pidMember.body.name, podName: pidMember.podName },
      netMember: netMember && { name: netMember.body.name, podName: netMember.podName },
      port: published,
    }),
  );
  return numbered(steps);
}

/** The steps of a catalogue entry's pods, one pod after the other, numbered throughout. */
export function numberEntrySteps(perPod: readonly { pod: string; steps: readonly Step[] }[]): EntryStep[] {
  return perPod.flatMap(({ pod, steps }) => steps.map((s) => ({ ...s, pod }))).map((s, index) => ({ ...s, index }));
}
