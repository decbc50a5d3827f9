import { describe, expect, it } from "vitest";
import { busyboxPath, dockerEndpoint, imagesSetting, listenPort, manualSignalHandling, runId } from "./config";
import { processSingleton } from "./singleton";

describe("config: the environment, read when asked", () => {
  it("gives each variable's default when unset or empty", () => {
    expect(dockerEndpoint({})).toBe("unix:///var/run/docker.sock");
    expect(dockerEndpoint({ DOCKER_HOST: "" })).toBe("unix:///var/run/docker.sock");
    expect(runId({ POD_ANATOMY_RUN_ID: "" })).toBeUndefined();
    expect(imagesSetting({})).toBe("auto");
    expect(busyboxPath({})).toBe("/bin/busybox");
    expect(listenPort({})).toBe("3000");
    expect(manualSignalHandling({})).toBe(false);
  });

  it("takes the values given", () => {
    expect(dockerEndpoint({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toBe("tcp://127.0.0.1:2375");
    expect(runId({ POD_ANATOMY_RUN_ID: "r42" })).toBe("r42");
    expect(imagesSetting({ POD_ANATOMY_IMAGES: "stand-in" })).toBe("stand-in");
    expect(listenPort({ PORT: "3999" })).toBe("3999");
    expect(manualSignalHandling({ NEXT_MANUAL_SIG_HANDLE: "true" })).toBe(true);
  });
});

describe("processSingleton", () => {
  it("makes the value once per process, on globalThis", () => {
    let made = 0;
    const key = `__podAnatomyTest${Math.random().toString(36).slice(2)}` as const;
    const a = processSingleton(key, () => ({ n: ++made }));
    const b = processSingleton(key, () => ({ n: ++made }));
    expect(b).toBe(a);
    expect(made).toBe(1);
    expect((globalThis as unknown as Record<string, unknown>)[key]).toBe(a);
    delete (globalThis as unknown as Record<string, unknown>)[key];
  });
});
