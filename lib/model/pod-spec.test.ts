import { describe, expect, it } from "vitest";
import {
  dockerRunArgs,
  dockerRunScript,
  imageIssues,
  kubernetesYaml,
  planPod,
  PodSpecSchema,
  probeArgv,
  ProbeRequest,
  shellQuote,
  specIssues,
  UTS_EXPLANATION,
  type ImageChoice,
  type PodSpec,
} from "./pod-spec";

const PAUSE = "pod-anatomy/pause-stand-in:aaa";
const BUSYBOX = "pod-anatomy/busybox-stand-in:bbb";
const IMAGES: ImageChoice[] = [
  { ref: PAUSE, source: "stand-in", role: "pause", tools: [], present: true },
  { ref: BUSYBOX, source: "stand-in", role: "busybox", tools: ["sh", "httpd"], present: false },
  { ref: "alpine:3.20", source: "other", role: null, tools: [], present: true },
];
const sourceOf = (ref: string) => IMAGES.find((i) => i.ref === ref)?.source ?? "other";

const NO_LIMITS = { memoryMi: null, cpus: null, pidsMax: null };

function spec(overrides: Partial<PodSpec> = {}): PodSpec {
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

describe("PodSpecSchema", () => {
  it("accepts a pod built by hand", () => {
    expect(specIssues(spec())).toEqual([]);
    expect(PodSpecSchema.parse(spec())).toEqual(spec());
  });

  it("refuses to share uts with the sandbox, with the explanation, beside the field", () => {
    expect(specIssues(spec({ namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "sandbox" } }))).toEqual([
      { path: "namespaces.uts", message: UTS_EXPLANATION },
    ]);
  });

  it("cannot express privileged mode, capabilities, devices or bind mounts", () => {
    for (const extra of [{ privileged: true }, { capAdd: ["SYS_ADMIN"] }, { devices: ["/dev/sda"] }, { binds: ["/:/host"] }]) {
      expect(specIssues({ ...spec(), ...extra })[0]?.message).toMatch(/Unrecognized key/);
      const withContainerExtra = { ...spec(), containers: [{ ...spec().containers[0]!, ...extra }] };
      expect(specIssues(withContainerExtra)[0]).toMatchObject({ path: "containers.0" });
    }
  });

  it("takes names as Docker allows them, and limits within bounds", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        containers: [
          { ...c, name: "-dash" },
          { ...c, name: "ok_name.v2", limits: { memoryMi: 4097, cpus: 0.001, pidsMax: 8 } },
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["containers.0.name", "containers.1.limits.memoryMi", "containers.1.limits.cpus", "containers.1.limits.pidsMax"]);
    expect(specIssues(spec({ cgroupParent: "/pod/../etc" }))[0]?.path).toBe("cgroupParent");
    expect(specIssues(spec({ cgroupParent: "relative" }))[0]?.path).toBe("cgroupParent");
  });

  it("publishes a port only from the sandbox's network, on a host port from 1024", () => {
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 8088 } }))).toEqual([]);
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 80 } })).map((i) => i.path)).toEqual(["port.hostPort"]);
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 8088 }, namespaces: { net: "host", ipc: "sandbox", pid: "private", uts: "private" } })).map((i) => i.path)).toEqual(["port"]);
  });

  it("refuses duplicate names, the sandbox's name, and commands used in the wrong place", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        initContainers: [{ ...c, name: "init", command: "sleep" }],
        containers: [{ ...c, name: "pause" }, { ...c, name: "init" }, { ...c, name: "x1", command: "write-first-volume" }],
      }),
    );
    expect(issues).toEqual([
      { path: "initContainers.0.command", message: "an init container's command must run to completion" },
      { path: "containers.0.name", message: "pause is the sandbox's name" },
      { path: "containers.1.name", message: "another container is already named init" },
      { path: "containers.2.command", message: "this command exits: it is for init containers" },
      { path: "containers.2.command", message: "this command needs 1 volume(s) mounted in the container" },
    ]);
  });

  it("needs a sandbox for init containers and volumes, and a size for memory volumes only", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        sandbox: { kind: "none" },
        initContainers: [{ ...c, name: "init", command: "write-first-volume", mountVolumes: true }],
        volumes: [
          { name: "site", medium: "disk", sizeLimitMi: 10 },
          { name: "cache", medium: "memory", sizeLimitMi: null },
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["initContainers", "volumes", "volumes.0.sizeLimitMi", "volumes.1.sizeLimitMi"]);
  });
});

describe("imageIssues", () => {
  it("allows only the allow-listed images, each running only what it contains", () => {
    const c = spec().containers[0]!;
    expect(imageIssues(spec(), IMAGES)).toEqual([]);
    expect(
      imageIssues(
        spec({
          sandbox: { kind: "pause", image: BUSYBOX },
          containers: [
            { ...c, image: "evil:latest" },
            { ...c, image: "alpine:3.20", command: "web" },
          ],
        }),
        IMAGES,
      ),
    ).toEqual([
      { path: "sandbox.image", message: `${BUSYBOX} is not a pause image` },
      { path: "containers.0.image", message: "evil:latest is not one of the images available here (the local images and the stand-ins)" },
      { path: "containers.1.command", message: "alpine:3.20 cannot run this command: it needs httpd" },
    ]);
    expect(imageIssues(spec({ sandbox: { kind: "sleep", image: "alpine:3.20" } }), IMAGES)).toEqual([
      { path: "sandbox.image", message: "alpine:3.20 cannot run this command: it needs sh" },
    ]);
  });
});

describe("planPod", () => {
  it("makes the sandbox the holder and joins the others to it, as the spec says", () => {
    const plan = planPod(spec(), { sample: "builder", sourceOf, extraLabels: { "io.pod-anatomy.run": "r1" } });
    expect(plan.map((c) => [c.kind, c.name, c.networkMode, c.ipcMode, c.pidMode, c.utsMode])).toEqual([
      ["sandbox", "web-pause", null, "shareable", null, null],
      ["app", "web-app", "container:web-pause", "container:web-pause", null, null],
      ["app", "web-sidecar", "container:web-pause", "container:web-pause", null, null],
    ]);
    expect(plan[1]).toMatchObject({ memoryBytes: 268435456, nanoCpus: 500000000, pidsLimit: 100, cgroupParent: "/pod-web", entrypoint: "sh" });
    expect(plan[1]!.labels).toEqual({
      "io.pod-anatomy.app": "pod-anatomy",
      "io.pod-anatomy.pod": "web",
      "io.pod-anatomy.pod-size": "3",
      "io.pod-anatomy.role": "app",
      "io.pod-anatomy.image-source": "stand-in",
      "io.pod-anatomy.sample": "builder",
      "io.pod-anatomy.run": "r1",
    });
    expect(plan[2]).toMatchObject({ entrypoint: "sleep", args: ["infinity"], memoryBytes: null, nanoCpus: null, pidsLimit: null });
  });

  it("with no sandbox, the first container holds the namespaces; host choices give every container the host's", () => {
    const plan = planPod(spec({ sandbox: { kind: "none" }, namespaces: { net: "sandbox", ipc: "host", pid: "sandbox", uts: "host" } }), {
      sample: "builder",
      sourceOf,
    });
    expect(plan.map((c) => [c.kind, c.name, c.networkMode, c.ipcMode, c.pidMode, c.utsMode])).toEqual([
      ["app", "web-app", null, "host", null, "host"],
      ["app", "web-sidecar", "container:web-app", "host", "container:web-app", "host"],
    ]);
    expect(plan[0]!.labels["io.pod-anatomy.pod-size"]).toBe("2");
  });

  it("names and labels the containers as dockershim did", () => {
    const uid = "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77";
    const plan = planPod(spec({ kubernetes: { namespace: "default", uid } }), { sample: "node-look-alike", sourceOf });
    expect(plan.map((c) => c.name)).toEqual([`k8s_POD_web_default_${uid}_0`, `k8s_app_web_default_${uid}_0`, `k8s_sidecar_web_default_${uid}_0`]);
    expect(plan[1]!.networkMode).toBe(`container:k8s_POD_web_default_${uid}_0`);
    expect(plan[0]!.labels).toMatchObject({
      "io.kubernetes.pod.name": "web",
      "io.kubernetes.pod.namespace": "default",
      "io.kubernetes.pod.uid": uid,
      "io.kubernetes.container.name": "POD",
      "io.kubernetes.docker.type": "podsandbox",
    });
    expect(plan[2]!.labels).toMatchObject({ "io.kubernetes.container.name": "sidecar", "io.kubernetes.docker.type": "container" });
  });
});

describe("docker run", () => {
  it("quotes for the shell only what needs it", () => {
    expect(shellQuote("io.pod-anatomy.app=pod-anatomy")).toBe("io.pod-anatomy.app=pod-anatomy");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });

  it("writes the exact commands, one container each, init containers in the foreground", () => {
    const s = spec({
      name: "v",
      cgroupParent: null,
      namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "private" },
      port: { containerPort: 80, hostPort: 8088 },
      initContainers: [{ name: "fill", image: BUSYBOX, command: "write-second-volume", limits: NO_LIMITS, mountVolumes: true }],
      containers: [{ name: "app", image: BUSYBOX, command: "sleep", limits: { memoryMi: 64, cpus: 0.25, pidsMax: null }, mountVolumes: true }],
      volumes: [
        { name: "site", medium: "disk", sizeLimitMi: null },
        { name: "cache", medium: "memory", sizeLimitMi: 50 },
      ],
    });
    const plan = planPod(s, { sample: "builder", sourceOf });
    expect(dockerRunArgs(plan[2]!)).toEqual([
      "run", "-d", "--name", "v-app",
      "--label", "io.pod-anatomy.app=pod-anatomy", "--label", "io.pod-anatomy.pod=v", "--label", "io.pod-anatomy.pod-size=3",
      "--label", "io.pod-anatomy.role=app", "--label", "io.pod-anatomy.image-source=stand-in", "--label", "io.pod-anatomy.sample=builder",
      "--net", "container:v-pause", "--ipc", "container:v-pause", "--pid", "container:v-pause",
      "--memory", "64m", "--cpus", "0.25", "--volumes-from", "v-pause", "--entrypoint", "sleep", BUSYBOX, "infinity",
    ]);
    const script = dockerRunScript(plan);
    expect(script.split("\n\n")).toHaveLength(3);
    expect(script.split("\n\n")[0]).toBe(
      [
        "docker run -d",
        "--name v-pause",
        "--label io.pod-anatomy.app=pod-anatomy",
        "--label io.pod-anatomy.pod=v",
        "--label io.pod-anatomy.pod-size=3",
        "--label io.pod-anatomy.role=sandbox",
        "--label io.pod-anatomy.image-source=stand-in",
        "--label io.pod-anatomy.sample=builder",
        "--ipc shareable",
        "-p 127.0.0.1:8088:80",
        "--mount type=volume,dst=/data/site",
        "--mount type=volume,dst=/data/cache,volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=50m",
        PAUSE,
      ].join(" \\\n    "),
    );
    expect(script.split("\n\n")[1]).toMatch(/^docker run \\\n {4}--name v-fill \\\n/);
    expect(script.split("\n\n")[1]).toContain(
      `--entrypoint sh \\\n    ${BUSYBOX} -c 'echo "cached by $POD_CONTAINER at $(date)" > /data/cache/note.txt && sleep 3'`,
    );
  });
});

describe("kubernetesYaml", () => {
  it("writes the equivalent Pod: host namespaces, shared pid, limits, emptyDirs, init containers", () => {
    const s = spec({
      name: "v",
      namespaces: { net: "host", ipc: "host", pid: "sandbox", uts: "host" },
      cgroupParent: null,
      initContainers: [{ name: "fill", image: BUSYBOX, command: "write-first-volume", limits: NO_LIMITS, mountVolumes: true }],
      containers: [{ name: "app", image: BUSYBOX, command: "sleep", limits: { memoryMi: 256, cpus: 0.5, pidsMax: 64 }, mountVolumes: true }],
      volumes: [
        { name: "site", medium: "disk", sizeLimitMi: null },
        { name: "cache", medium: "memory", sizeLimitMi: 50 },
      ],
    });
    expect(kubernetesYaml(s)).toBe(
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: v",
        "spec:",
        "  hostNetwork: true",
        "  hostIPC: true",
        "  shareProcessNamespace: true",
        "  initContainers:",
        "    - name: fill",
        `      image: ${BUSYBOX}`,
        "      command: [sh]",
        "      args:",
        "        - \"-c\"",
        `        - ${JSON.stringify('echo "<h1>Written by init container $POD_CONTAINER at $(date)</h1>" > /data/site/index.html && sleep 3')}`,
        "      env:",
        "        - name: POD_CONTAINER",
        "          value: fill",
        "      volumeMounts:",
        "        - name: site",
        "          mountPath: /data/site",
        "        - name: cache",
        "          mountPath: /data/cache",
        "  containers:",
        "    - name: app",
        `      image: ${BUSYBOX}`,
        "      command: [sleep]",
        "      args:",
        "        - infinity",
        "      resources:",
        "        limits:",
        "          memory: 256Mi",
        "          cpu: 500m",
        "      # pids limit 64: per pod in Kubernetes (kubelet podPidsLimit), not per container",
        "      volumeMounts:",
        "        - name: site",
        "          mountPath: /data/site",
        "        - name: cache",
        "          mountPath: /data/cache",
        "  volumes:",
        "    - name: site",
        "      emptyDir: {}",
        "    - name: cache",
        "      emptyDir:",
        "        medium: Memory",
        "        sizeLimit: 50Mi",
        "",
      ].join("\n"),
    );
  });

  it("says in comments what Kubernetes does differently", () => {
    const yaml = kubernetesYaml(spec({ sandbox: { kind: "sleep", image: BUSYBOX }, namespaces: { net: "private", ipc: "private", pid: "private", uts: "private" } }));
    expect(yaml).toContain("# The sandbox is the runtime's own pause image");
    expect(yaml).toContain("# Not expressible: the containers of a pod always share its network namespace.");
    expect(yaml).toContain("# The containers share the pod's uts namespace (hostname) in Kubernetes; Docker cannot do that.");
    expect(yaml).toContain("# cgroup parent /pod-web: Kubernetes chooses it (kubepods/<qos>/pod<uid>).");
    expect(yaml).not.toMatch(/shareProcessNamespace|hostNetwork|hostPID|hostIPC/);
  });
});

describe("probes", () => {
  it("run fixed argv only", () => {
    expect(probeArgv({ probe: "fetch", container: "web-app", port: 80 })).toEqual(["timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:80/"]);
    expect(probeArgv({ probe: "ps", container: "web-app" })).toEqual(["ps", "-o", "pid,ppid,stat,comm"]);
    expect(probeArgv({ probe: "hostname", container: "web-app" })).toEqual(["hostname"]);
  });

  it("take a port for fetch only, and nothing else", () => {
    expect(ProbeRequest.safeParse({ probe: "fetch", container: "web-app" }).success).toBe(false);
    expect(ProbeRequest.safeParse({ probe: "ps", container: "web-app", port: 80 }).success).toBe(false);
    expect(ProbeRequest.safeParse({ probe: "ps", container: "web-app", argv: ["rm", "-rf", "/"] }).success).toBe(false);
    expect(ProbeRequest.safeParse({ probe: "sh", container: "web-app" }).success).toBe(false);
    expect(ProbeRequest.safeParse({ probe: "ps", container: "--privileged" }).success).toBe(false);
  });
});
