import { describe, expect, it } from "vitest";
import { probeArgv, ProbeRequest } from "./pod-probes";

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
