import { describe, expect, it } from "vitest";
import { dockerRunArgs, dockerRunScript, shellQuote } from "./docker-run-script";
import { planPod } from "./pod-plan";
import { BUSYBOX, NO_LIMITS, PAUSE, sourceOf, spec } from "@/test/support/pod-specs";

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
