import "server-only";
import { LABEL_RUN, LABEL_STEPWISE } from "@/lib/model/types";
import { allowedPorts, appPort } from "@/lib/security/request-checks";

/**
 * Every environment variable the server reads, in one place. Each is read when asked (not
 * cached at start-up): the tests change DOCKER_HOST and POD_ANATOMY_IMAGES between calls,
 * and a value read at module load (POD_ANATOMY_BUSYBOX) stays read at module load.
 * `env` defaults to process.env; pass another for a test.
 *
 *   DOCKER_HOST             the Docker engine (dockerode reads it too); default unix:///var/run/docker.sock
 *   POD_ANATOMY_RUN_ID      a test run's id: every container created carries io.pod-anatomy.run=<id>,
 *                           and the half-made-pod sweep only touches that run's
 *   POD_ANATOMY_IMAGES      auto | stand-in | real: real images when present, else stand-ins (auto)
 *   POD_ANATOMY_BUSYBOX     the static busybox copied into the stand-in images; default /bin/busybox
 *   PORT                    the port the app serves on (the same-origin guard checks Host against it); default 3000
 *   NEXT_MANUAL_SIG_HANDLE  set when the app handles SIGINT/SIGTERM itself: the event hub then does not
 *   CONTAINER_RUNTIME_ENDPOINT  the CRI socket (as for crictl); set, it is the only CRI endpoint looked at
 *   CONTAINER_HOST          Podman's API socket (unix://…), as Podman's own clients take it
 *   POD_ANATOMY_CTR         the containerd client that imports stand-in images into the CRI's store; default ctr
 *   POD_ANATOMY_PAUSE       a static pause binary built from images/stand-in/pause.c (the container image has
 *                           one): used instead of compiling pause.c with gcc; unset: gcc -static
 *   POD_ANATOMY_PUBLIC_PORT the host port(s) the user published the app's port on (`-p 127.0.0.1:3001:3000`
 *                           → 3001; comma-separated for several): Host and Origin may name these besides PORT
 *   POD_ANATOMY_IN_CONTAINER set (to 1) by the container image: Pod Anatomy runs in a container, so host facts
 *                           are read through PID 1 and a missing privilege is named with the run option that grants it
 *
 * Not read here: NEXT_RUNTIME (instrumentation.ts, Next's own).
 */
type Env = Record<string, string | undefined>;

/** The engine endpoint dockerode will use, for messages: DOCKER_HOST when set and not empty. */
export function dockerEndpoint(env: Env = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST.length > 0 ? env.DOCKER_HOST : "unix:///var/run/docker.sock";
}

/** POD_ANATOMY_RUN_ID, or undefined when unset or empty. */
export function runId(env: Env = process.env): string | undefined {
  return env.POD_ANATOMY_RUN_ID || undefined;
}

/** The labels of the run (LABEL_RUN) for what this server creates: none without POD_ANATOMY_RUN_ID. */
export function runLabels(env: Env = process.env): Record<string, string> {
  const run = runId(env);
  return run ? { [LABEL_RUN]: run } : {};
}

/** The labels of a pod built step by step: the run's, and LABEL_STEPWISE (see half-made-pods.ts). */
export function stepwiseLabels(env: Env = process.env): Record<string, string> {
  return { ...runLabels(env), [LABEL_STEPWISE]: "true" };
}

/** POD_ANATOMY_IMAGES as given (default "auto"); images.ts checks it is a mode it knows. */
export function imagesSetting(env: Env = process.env): string {
  return env.POD_ANATOMY_IMAGES ?? "auto";
}

/** POD_ANATOMY_BUSYBOX: the host's static busybox binary. */
export function busyboxPath(env: Env = process.env): string {
  return env.POD_ANATOMY_BUSYBOX ?? "/bin/busybox";
}

/** PORT, as the same-origin guard expects it in Host. */
export function listenPort(env: Env = process.env): string {
  return appPort(env);
}

/** The ports Host may name: PORT, and every port of POD_ANATOMY_PUBLIC_PORT. */
export function allowedHostPorts(env: Env = process.env): string[] {
  return allowedPorts(env);
}

/** POD_ANATOMY_PAUSE: a prebuilt static pause binary, or undefined (compile pause.c). */
export function pauseBinaryPath(env: Env = process.env): string | undefined {
  return env.POD_ANATOMY_PAUSE || undefined;
}

/** POD_ANATOMY_IN_CONTAINER: the container image sets it. */
export function inContainerSetting(env: Env = process.env): boolean {
  return Boolean(env.POD_ANATOMY_IN_CONTAINER);
}

/** NEXT_MANUAL_SIG_HANDLE: the app handles signals itself. */
export function manualSignalHandling(env: Env = process.env): boolean {
  return Boolean(env.NEXT_MANUAL_SIG_HANDLE);
}

/** CONTAINER_RUNTIME_ENDPOINT, as crictl reads it, or undefined when unset or empty. */
export function criEndpointSetting(env: Env = process.env): string | undefined {
  return env.CONTAINER_RUNTIME_ENDPOINT || undefined;
}

/** POD_ANATOMY_CTR: the `ctr` binary. */
export function ctrPath(env: Env = process.env): string {
  return env.POD_ANATOMY_CTR ?? "ctr";
}

/** CONTAINER_HOST, as Podman's clients read it, or undefined when unset or empty. */
export function podmanHostSetting(env: Env = process.env): string | undefined {
  return env.CONTAINER_HOST || undefined;
}
