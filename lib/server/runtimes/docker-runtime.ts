import "server-only";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import { EventCursor } from "@/lib/model/engine-events";
import type { JoinModes } from "@/lib/model/event-history";
import type { PodSpec } from "@/lib/model/pod-spec";
import { runtimeOk, runtimeUnreachable } from "@/lib/model/runtime-status";
import type { ContainerFacts, RuntimeStatus } from "@/lib/model/types";
import type { DockerClient } from "../docker";
import { explainEngineError } from "../engine-errors";
import { imageChoices } from "../images";
import { InspectCache } from "../inspect-cache";
import { createCatalogueEntry, createPods } from "../pod-creator";
import { deletePod, listPodContainers } from "../pods";
import { dockerEntrySteps, dockerRunStep } from "../steps";
import type { CreatedSpecPod, ExecResult, PodOperations, RuntimeAdapter, RuntimeChange } from "./runtime";

/** `since` of the very first events request: 1970-01-01T00:00:01Z, i.e. everything the engine still buffers. */
const REPLAY_ALL = "1000000000";

/**
 * The Docker engine as a runtime adapter: dockerode behind lib/server/docker.ts, pods made
 * by lib/server/pod-creator.ts. Docker has no pods of its own: its containers carry no
 * `pod`, and lib/model/group-pods.ts infers the pods from `container:` modes, labels and
 * the kernel.
 *
 * The inspect results are kept while the engine's event stream is followed (InspectCache):
 * `changes` is that stream, resumed with `since` after a break so nothing is missed, and
 * every event it yields drops the container's cached answer.
 */
export class DockerRuntime implements RuntimeAdapter {
  readonly id = "docker";
  readonly kind = "docker" as const;
  readonly node = null;
  readonly cache = new InspectCache();
  private readonly cursor = new EventCursor();
  readonly pods: PodOperations;

  constructor(readonly docker: DockerClient) {
    this.pods = {
      imageChoices: () => imageChoices(docker),
      createCatalogueEntry: (id: CatalogueEntryId, opts?: { suffix?: string; hostPort?: number }): Promise<CreatedSpecPod[]> =>
        createCatalogueEntry(docker, id, opts),
      createPods: async (specs: readonly PodSpec[], opts: { sample: string }) =>
        createPods(docker, specs, { sample: opts.sample, images: await imageChoices(docker) }),
      podContainers: (pod: string) => listPodContainers(docker, pod),
      deletePod: (pod: string) => deletePod(docker, pod),
      exec: (containerId: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<ExecResult> =>
        docker.exec(containerId, argv, opts),
      entrySteps: (id, instance) => dockerEntrySteps(docker, id, instance),
      runStep: (id, instance, index) => dockerRunStep(docker, id, instance, index),
    };
  }

  get endpoint(): string {
    return this.docker.endpoint;
  }

  private base() {
    return { id: this.id, kind: this.kind, runtime: "docker" as const, endpoint: this.endpoint, node: this.node };
  }

  async status(): Promise<RuntimeStatus> {
    try {
      const v = await this.docker.version();
      return runtimeOk(this.base(), v.version, v.apiVersion);
    } catch (err) {
      this.cache.distrust();
      return runtimeUnreachable(this.base(), this.explain(err));
    }
  }

  async containers(): Promise<ContainerFacts[]> {
    try {
      return await this.cache.containers(this.docker);
    } catch (err) {
      this.cache.distrust();
      throw err;
    }
  }

  explain(err: unknown) {
    return explainEngineError(err, this.endpoint);
  }

  async joinModes(containerId: string): Promise<JoinModes | null> {
    const facts = await this.docker.inspectContainer(containerId);
    return facts && { network: facts.networkMode, ipc: facts.ipcMode, pid: facts.pidMode };
  }

  async *changes(signal: AbortSignal): AsyncGenerator<RuntimeChange> {
    try {
      for await (const item of this.docker.events({ since: this.cursor.resumeFrom() ?? REPLAY_ALL, signal })) {
        if (item.kind === "connected") {
          this.cache.trusted = true;
          yield item;
        } else if (item.kind === "dropped") {
          yield item;
        } else if (this.cursor.accept(item.event)) {
          this.cache.invalidate(item.event.containerId);
          yield { kind: "changed", containerId: item.event.containerId, action: item.event.action, events: [item.event] };
        }
      }
    } finally {
      // Without the stream a change could go unseen: nothing cached is trusted until it is back.
      this.cache.distrust();
    }
  }
}
