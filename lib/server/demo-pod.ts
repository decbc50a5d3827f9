import "server-only";
import { randomBytes } from "node:crypto";
import {
  LABEL_APP,
  LABEL_APP_VALUE,
  LABEL_IMAGE_SOURCE,
  LABEL_POD,
  LABEL_ROLE,
  LABEL_RUN,
  LABEL_SAMPLE,
  type ContainerFacts,
} from "@/lib/model/types";
import type { ContainerSpec, DockerClient } from "./docker";
import { resolveImage, type ImageRole, type ResolvedImage } from "./images";

/**
 * The classic pod of the pause-container training material ("ghost behind nginx"):
 *
 *   docker run -d --name P-pause -p 127.0.0.1:8880:80 --ipc shareable pause
 *   docker run -d --name P-nginx --net=container:P-pause --ipc=container:P-pause --pid=container:P-pause nginx (proxy → 127.0.0.1:2368)
 *   docker run -d --name P-ghost --net=container:P-pause --ipc=container:P-pause --pid=container:P-pause ghost (:2368)
 *
 * http://localhost:8880/ then shows the blog through the proxy. The host port is bound to
 * 127.0.0.1 only: a trainer's laptop should not publish it to the room's network.
 */
export const DEMO_HOST_PORT = 8880;
export const DEMO_SAMPLE = "ghost-behind-nginx";

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Host port ${port} is already in use, so the demo pod's pause container cannot publish it. ` +
        `Delete the demo pod that holds it, or stop whatever listens on ${port}.`,
    );
    this.name = "PortInUseError";
  }
}

export interface CreatedPod {
  name: string;
  containers: { id: string; name: string; role: ImageRole; image: ResolvedImage }[];
}

function labels(pod: string, role: "sandbox" | "app", image: ResolvedImage): Record<string, string> {
  return {
    [LABEL_APP]: LABEL_APP_VALUE,
    [LABEL_POD]: pod,
    [LABEL_ROLE]: role,
    [LABEL_IMAGE_SOURCE]: image.source,
    [LABEL_SAMPLE]: DEMO_SAMPLE,
    ...(process.env.POD_ANATOMY_RUN_ID ? { [LABEL_RUN]: process.env.POD_ANATOMY_RUN_ID } : {}),
  };
}

/** Commands that make the real nginx a reverse proxy to 127.0.0.1:2368 (the stand-ins carry theirs). */
const REAL_NGINX_CMD = [
  "sh",
  "-c",
  "printf 'server { listen 80; location / { proxy_pass http://127.0.0.1:2368; proxy_set_header Host $host; } }' > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'",
];

function specs(pod: string, images: Record<ImageRole, ResolvedImage>, hostPort: number): ContainerSpec[] {
  const join = (mode: string) => ({ networkMode: mode, ipcMode: mode, pidMode: mode });
  const sandbox = `container:${pod}-pause`;
  return [
    {
      name: `${pod}-pause`,
      image: images.pause.ref,
      labels: labels(pod, "sandbox", images.pause),
      ipcMode: "shareable",
      ports: [{ containerPort: 80, hostPort, hostIp: "127.0.0.1" }],
    },
    {
      name: `${pod}-nginx`,
      image: images.nginx.ref,
      cmd: images.nginx.source === "real" ? REAL_NGINX_CMD : undefined,
      labels: labels(pod, "app", images.nginx),
      ...join(sandbox),
    },
    {
      name: `${pod}-ghost`,
      image: images.ghost.ref,
      env: images.ghost.source === "real" ? { url: `http://localhost:${hostPort}/`, NODE_ENV: "development" } : { POD_NAME: pod },
      labels: labels(pod, "app", images.ghost),
      ...join(sandbox),
    },
  ];
}

function isPortInUse(err: unknown): boolean {
  const msg = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { json?: unknown })?.json ?? "")}`;
  return /port is already allocated|address already in use/i.test(msg);
}

/** Serialise pod creation: two clicks at once must not race for the same port or names. */
let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const result = queue.then(fn, fn);
  queue = result.catch(() => undefined);
  return result;
}

export function newDemoPodName(): string {
  return `demo-${randomBytes(3).toString("hex")}`;
}

/** Create the demo pod, all or nothing: on any failure every container already made is removed. */
export function createDemoPod(
  docker: DockerClient,
  opts: { name?: string; hostPort?: number } = {},
): Promise<CreatedPod> {
  return serialised(async () => {
    const pod = opts.name ?? newDemoPodName();
    const hostPort = opts.hostPort ?? DEMO_HOST_PORT;
    const images = {
      pause: await resolveImage(docker, "pause"),
      nginx: await resolveImage(docker, "nginx"),
      ghost: await resolveImage(docker, "ghost"),
    };
    const roles: ImageRole[] = ["pause", "nginx", "ghost"];
    const created: CreatedPod["containers"] = [];
    try {
      for (const [i, spec] of specs(pod, images, hostPort).entries()) {
        const role = roles[i]!;
        const id = await docker.createContainer(spec);
        created.push({ id, name: spec.name, role, image: images[role] });
        await docker.startContainer(id);
      }
      return { name: pod, containers: created };
    } catch (err) {
      // Remove what was made, and anything else carrying this pod's label (a create that
      // failed after the engine made the container but before we learnt its id).
      await deletePod(docker, pod).catch(() => undefined);
      if (isPortInUse(err)) throw new PortInUseError(hostPort);
      throw err;
    }
  });
}

/** The containers Pod Anatomy made for a pod: only those carrying our label are ever touched. */
export function listPodContainers(docker: DockerClient, pod: string): Promise<ContainerFacts[]> {
  return docker.listContainers({ labels: [`${LABEL_APP}=${LABEL_APP_VALUE}`, `${LABEL_POD}=${pod}`] });
}

/** Remove every container of one of our pods, members first, sandbox last. */
export async function deletePod(docker: DockerClient, pod: string): Promise<string[]> {
  const containers = await listPodContainers(docker, pod);
  const order = [...containers].sort((a, b) => Number(a.labels[LABEL_ROLE] === "sandbox") - Number(b.labels[LABEL_ROLE] === "sandbox"));
  for (const c of order) await docker.removeContainer(c.id);
  return order.map((c) => c.name);
}
