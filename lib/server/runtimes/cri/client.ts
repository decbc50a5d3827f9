import "server-only";
import { criEndpointSetting } from "../../config";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type {
  CriContainer,
  CriContainerConfig,
  CriContainerStatusResponse,
  CriImage,
  CriPodSandbox,
  CriPodSandboxConfig,
  CriPodSandboxStatusResponse,
  CriVersion,
} from "@/lib/model/cri-facts";

/**
 * A thin client of the Kubernetes CRI (`runtime.v1`, RuntimeService + ImageService) over a
 * unix socket, as the kubelet and crictl speak it to containerd or CRI-O. Every unary call
 * has a deadline; a call that fails rejects with the grpc-js error (code, details), which
 * lib/model/cri-facts.ts classifies (classifyCriError).
 *
 * The .proto is Pod Anatomy's own subset of the real API (same field numbers), loaded from
 * process.cwd() so that it is found in a Next.js production build too (next.config.js
 * outputFileTracingIncludes ships it).
 */

export const PROTO_PATH = path.join(process.cwd(), "lib", "server", "runtimes", "cri", "runtime-v1.proto");

/** The default endpoint: CONTAINER_RUNTIME_ENDPOINT (as for crictl), else containerd's. */
export function defaultCriEndpoint(): string {
  return criEndpointSetting() ?? "unix:///run/containerd/containerd.sock";
}

/** The socket path of an endpoint `unix:///path` (or a bare path). */
export function socketPathOf(endpoint: string): string {
  return endpoint.startsWith("unix://") ? endpoint.slice("unix://".length) : endpoint;
}

/** Deadlines, ms. Version answers the question "is it there" and must be quick. */
export const DEADLINES = {
  version: 1_500,
  read: 5_000,
  write: 10_000,
  /** RunPodSandbox sets up the network (CNI), StopPodSandbox tears it down; PullImage downloads. */
  slow: 60_000,
} as const;

let packageDefinition: grpc.GrpcObject | null = null;
function loadPackage(): grpc.GrpcObject {
  if (!packageDefinition) {
    const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    packageDefinition = grpc.loadPackageDefinition(def);
  }
  return packageDefinition;
}

type Ctor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client;

function service(name: "RuntimeService" | "ImageService"): Ctor {
  const runtime = loadPackage().runtime as grpc.GrpcObject;
  const v1 = runtime.v1 as grpc.GrpcObject;
  return v1[name] as unknown as Ctor;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

export interface CriClientOptions {
  /** `unix:///path/to.sock` or a path. */
  endpoint: string;
}

/** Filters of ListPodSandbox / ListContainers. */
export interface CriListFilter {
  id?: string;
  label_selector?: Record<string, string>;
  pod_sandbox_id?: string;
}

export class CriClient {
  readonly endpoint: string;
  readonly socketPath: string;
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;

  constructor(opts: CriClientOptions) {
    this.socketPath = socketPathOf(opts.endpoint);
    this.endpoint = `unix://${this.socketPath}`;
    const options: grpc.ChannelOptions = {
      // One try per call: a runtime that is not there is an answer, not something to wait for.
      "grpc.enable_retries": 0,
      "grpc.max_receive_message_length": 16 * 1024 * 1024,
      // The default authority of a unix target is the path: some servers dislike it.
      "grpc.default_authority": "localhost",
    };
    const target = `unix://${this.socketPath}`;
    this.runtime = new (service("RuntimeService"))(target, grpc.credentials.createInsecure(), options);
    this.images = new (service("ImageService"))(target, grpc.credentials.createInsecure(), options);
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }

  private call<T>(client: grpc.Client, method: string, request: object, timeoutMs: number): Promise<T> {
    const fn = (client as unknown as Record<string, grpc.requestCallback<T> | undefined>)[method] as unknown as
      | ((req: object, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: T) => void) => void)
      | undefined;
    if (!fn) return Promise.reject(new Error(`the CRI client has no method ${method}`));
    return new Promise<T>((resolve, reject) => {
      fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(err);
        else resolve(res as T);
      });
    });
  }

  version(timeoutMs: number = DEADLINES.version): Promise<CriVersion> {
    return this.call(this.runtime, "Version", { version: "v1" }, timeoutMs);
  }

  /** Status(verbose): conditions, and in `info.config` the runtime's configuration as JSON. */
  status(verbose = true): Promise<{ status: { conditions: { type: string; status: boolean; reason: string; message: string }[] } | null; info: Record<string, string> }> {
    return this.call(this.runtime, "Status", { verbose }, DEADLINES.read);
  }

  async listPodSandbox(filter: CriListFilter = {}): Promise<CriPodSandbox[]> {
    const res = await this.call<{ items: CriPodSandbox[] }>(this.runtime, "ListPodSandbox", { filter }, DEADLINES.read);
    return res.items;
  }

  podSandboxStatus(id: string, verbose = true): Promise<CriPodSandboxStatusResponse> {
    return this.call(this.runtime, "PodSandboxStatus", { pod_sandbox_id: id, verbose }, DEADLINES.read);
  }

  async runPodSandbox(config: CriPodSandboxConfig): Promise<string> {
    const res = await this.call<{ pod_sandbox_id: string }>(this.runtime, "RunPodSandbox", { config }, DEADLINES.slow);
    return res.pod_sandbox_id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, "StopPodSandbox", { pod_sandbox_id: id }, DEADLINES.slow);
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.call(this.runtime, "RemovePodSandbox", { pod_sandbox_id: id }, DEADLINES.slow);
  }

  async listContainers(filter: CriListFilter = {}): Promise<CriContainer[]> {
    const res = await this.call<{ containers: CriContainer[] }>(this.runtime, "ListContainers", { filter }, DEADLINES.read);
    return res.containers;
  }

  containerStatus(id: string, verbose = true): Promise<CriContainerStatusResponse> {
    return this.call(this.runtime, "ContainerStatus", { container_id: id, verbose }, DEADLINES.read);
  }

  async createContainer(podSandboxId: string, config: CriContainerConfig, sandboxConfig: CriPodSandboxConfig): Promise<string> {
    const res = await this.call<{ container_id: string }>(
      this.runtime,
      "CreateContainer",
      { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig },
      DEADLINES.write,
    );
    return res.container_id;
  }

  async startContainer(id: string): Promise<void> {
    await this.call(this.runtime, "StartContainer", { container_id: id }, DEADLINES.write);
  }

  /** Stop with a grace period (s) before SIGKILL. */
  async stopContainer(id: string, timeoutS = 2): Promise<void> {
    await this.call(this.runtime, "StopContainer", { container_id: id, timeout: String(timeoutS) }, (timeoutS + 10) * 1000);
  }

  async removeContainer(id: string): Promise<void> {
    await this.call(this.runtime, "RemoveContainer", { container_id: id }, DEADLINES.write);
  }

  /** ExecSync; the runtime kills the command after timeoutS; our deadline is a little later. */
  execSync(id: string, cmd: string[], timeoutS: number): Promise<ExecSyncResult> {
    return this.call(this.runtime, "ExecSync", { container_id: id, cmd, timeout: String(timeoutS) }, timeoutS * 1000 + 2_000);
  }

  async listImages(): Promise<CriImage[]> {
    const res = await this.call<{ images: CriImage[] }>(this.images, "ListImages", {}, DEADLINES.read);
    return res.images;
  }

  async imageStatus(ref: string): Promise<CriImage | null> {
    const res = await this.call<{ image: CriImage | null }>(this.images, "ImageStatus", { image: { image: ref } }, DEADLINES.read);
    return res.image && res.image.id ? res.image : null;
  }

  async pullImage(ref: string): Promise<string> {
    const res = await this.call<{ image_ref: string }>(this.images, "PullImage", { image: { image: ref } }, DEADLINES.slow);
    return res.image_ref;
  }
}
