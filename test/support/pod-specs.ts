import type { ImageChoice, PodSpec } from "@/lib/model/pod-spec";

/** Stand-in images as the server lists them: a pause, a busybox (sh, httpd) not yet built, and another image. */
export const PAUSE = "pod-anatomy/pause-stand-in:aaa";
export const BUSYBOX = "pod-anatomy/busybox-stand-in:bbb";
export const IMAGES: ImageChoice[] = [
  { ref: PAUSE, source: "stand-in", role: "pause", tools: [], present: true },
  { ref: BUSYBOX, source: "stand-in", role: "busybox", tools: ["sh", "httpd"], present: false },
  { ref: "alpine:3.20", source: "other", role: null, tools: [], present: true },
];
export const sourceOf = (ref: string) => IMAGES.find((i) => i.ref === ref)?.source ?? "other";

export const NO_LIMITS = { memoryMi: null, cpus: null, pidsMax: null };

/** A two-container pod (web, sleep) with a pause sandbox sharing net and ipc; overrides replace top-level fields. */
export function spec(overrides: Partial<PodSpec> = {}): PodSpec {
  return {
    name: "web",
    sandbox: { kind: "pause", image: PAUSE },
    namespaces: { net: "sandbox", ipc: "sandbox", pid: "private", uts: "private" },
    cgroupParent: "/pod-web",
    port: null,
    initContainers: [],
    containers: [
      { name: "app", image: BUSYBOX, command: "web", limits: { memoryMi: 256, cpus: 0.5, pidsMax: 100 }, mountVolumes: false },
      { name: "sidecar", image: BUSYBOX, command: "sleep", limits: NO_LIMITS, mountVolumes: false },
    ],
    volumes: [],
    kubernetes: null,
    ...overrides,
  };
}
