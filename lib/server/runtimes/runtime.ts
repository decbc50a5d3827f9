import "server-only";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import type { ContainerEvent } from "@/lib/model/engine-events";
import type { JoinModes } from "@/lib/model/event-history";
import type { PlannedKind } from "@/lib/model/pod-plan";
import type { ImageChoice, PodSpec } from "@/lib/model/pod-spec";
import type { EntryStep, StepRun } from "@/lib/model/steps";
import type { ContainerFacts, RuntimeFailure, RuntimeKind, RuntimeStatus } from "@/lib/model/types";

/**
 * One container runtime, as Pod Anatomy uses it: the small interface every runtime adapter
 * (Docker, the CRI, Podman) implements, in the project's own types only. Raw runtime shapes
 * (dockerode objects, CRI protobuf messages, libpod JSON) never leave an adapter.
 *
 * What a runtime says is taken for names, images, states, labels and pods; the namespace
 * inodes, cgroups and processes always come from /proc and cgroupfs (lib/server/procfs.ts,
 * cgroupfs.ts), never from a runtime's word.
 */
export interface RuntimeAdapter {
  /** Stable id, also RuntimeStatus.id: "docker", "podman", "cri:<socket path>". */
  readonly id: string;
  readonly kind: RuntimeKind;
  /** Where it is asked (socket path or URL), for messages. */
  readonly endpoint: string;
  /** The node container's name for a runtime inside a kind/minikube node; null: this host. */
  readonly node: string | null;

  /**
   * Ask the runtime its version. Never throws, and answers within 2 s: unreachable (socket
   * missing, permission denied, no daemon, no answer within 1.5 s, wrong API version) is a
   * state, with a message and what to do.
   */
  status(): Promise<RuntimeStatus>;

  /**
   * Every sandbox and container the runtime knows (running or not), as ContainerFacts with
   * `runtime` set, and `pod` set where the runtime has pods (the sandbox itself with
   * pod.isSandbox). Throws when the runtime cannot be asked. Every call has a deadline.
   */
  containers(): Promise<ContainerFacts[]>;

  /**
   * Follow the runtime's changes until `signal` aborts: its event stream where it has one
   * (Docker, Podman), a bounded poll where it has none (the CRI). Yields `connected` once
   * following, `changed` for each container whose existence or state changed. Ends (or
   * throws) when the runtime goes away; the caller reconnects with backoff.
   */
  changes(signal: AbortSignal): AsyncIterable<RuntimeChange>;

  /** Why a call failed, in the runtime's terms: the reason, what happened, what to do. */
  explain(err: unknown): { reason: RuntimeFailure; message: string; hint: string };

  /** How a just-created container joined others' namespaces (Docker's and Podman's `container:` modes, the CRI's NamespaceMode), for its pod's timeline. */
  joinModes?(containerId: string): Promise<JoinModes | null>;

  /** Creating and removing pods; absent where Pod Anatomy only reads (a nested node's runtime). */
  readonly pods?: PodOperations;
}

export type RuntimeChange =
  | { kind: "connected" }
  /**
   * `events`: what happened, as ContainerEvents, oldest first: Docker's and Podman's own event
   * (one), those the CRI's poll synthesizes from the CRI's times (a container new at one poll
   * may have been created, started and exited since the last: up to three). They feed the
   * pods' timelines; a change without any (Podman's init, cleanup) does not.
   */
  | { kind: "changed"; containerId: string; action: string; events?: readonly ContainerEvent[] }
  /** Lines of an event stream that could not be used. */
  | { kind: "dropped"; count: number; reason: string };

/** One container created for a pod. */
export interface CreatedContainer {
  id: string;
  name: string;
  kind: PlannedKind;
  image: string;
}

export interface CreatedSpecPod {
  name: string;
  /** The runtime's id of the pod: the CRI sandbox id, the Podman pod id; Docker: the sandbox container's id. */
  podId?: string;
  containers: CreatedContainer[];
}

/**
 * Pods made by Pod Anatomy on one runtime. Every sandbox and container created carries
 * Pod Anatomy's labels (LABEL_APP, LABEL_POD, LABEL_POD_SIZE, LABEL_ROLE, LABEL_SAMPLE,
 * LABEL_IMAGE_SOURCE, and LABEL_RUN when POD_ANATOMY_RUN_ID is set); only such pods are ever
 * touched. Creation is all or nothing: a failure half-way removes what was created.
 */
export interface PodOperations {
  /** The allow-list of images for the builder: what this runtime has locally, plus the stand-ins. */
  imageChoices(): Promise<ImageChoice[]>;
  /** One instance of a catalogue entry (its pods), all or nothing. */
  createCatalogueEntry(id: CatalogueEntryId, opts?: { suffix?: string; hostPort?: number }): Promise<CreatedSpecPod[]>;
  /** Pods from specs (the builder), all or nothing. `sample` is the sample label's value. */
  createPods(specs: readonly PodSpec[], opts: { sample: string }): Promise<CreatedSpecPod[]>;
  /** The containers (and sandbox) of one of our pods, by label; empty when there is none. */
  podContainers(pod: string): Promise<ContainerFacts[]>;
  /** Remove one of our pods: containers, then the sandbox with its network namespace and cgroups. Names removed. */
  deletePod(pod: string): Promise<string[]>;
  /** Run a fixed argv in a running container, output and time bounded. */
  exec(containerId: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult>;
  /**
   * Step by step: the steps of one instance of a catalogue entry, cut from this runtime's own
   * plan (lib/model/steps.ts for Docker, runtime-steps.ts for the CRI and Podman). The same
   * instance always plans the same (its pod uid derives from the suffix).
   */
  entrySteps(id: CatalogueEntryId, instance: StepInstance): Promise<EntryStep[]>;
  /**
   * Run exactly step `index` of that instance: create and start its one container (or
   * sandbox) as the whole pod would be made, or run its probe. Throws StepError (404: no such
   * step; 409: already run, or a step before it is missing).
   */
  runStep(id: CatalogueEntryId, instance: StepInstance, index: number): Promise<StepRun>;
}

/** One instance of a catalogue entry built step by step: its pods are named `<pod>-<suffix>`. */
export interface StepInstance {
  suffix: string;
  /** The host port of an entry that publishes one, instead of its own. */
  hostPort?: number;
}

/** What `exec` returns. */
export interface ExecResult {
  /** null when the runtime did not report one (timed out). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was cut at maxBytes. */
  truncated: boolean;
  timedOut: boolean;
}
