import { afterEach, describe, expect, it, vi } from "vitest";
import { explainEngineError } from "./engine-errors";
import { PodExistsError, PodSpecError } from "./pod-creator";
import { describePodError } from "./pod-errors";
import { PortInUseError } from "./pods";
import { RuntimeUnavailableError } from "./runtimes/select";

const AT = "unix:///var/run/docker.sock";
const docker = { kind: "docker" as const, explain: (err: unknown) => explainEngineError(err, AT) };

describe("describePodError: error → {status, error, detail}", () => {
  afterEach(() => vi.restoreAllMocks());

  it("maps our own errors", () => {
    expect(describePodError(new PortInUseError(8880), docker)).toMatchObject({ status: 409, error: "Port in use" });
    expect(describePodError(new PodExistsError("web"), docker)).toEqual({
      status: 409,
      error: "A pod named web exists already.",
      detail: "Delete that pod first, or choose another name.",
    });
    expect(describePodError(new PodSpecError([{ path: "name", message: "too long" }]), docker)).toEqual({ status: 400, error: "Invalid pod spec", detail: "name: too long" });
    expect(describePodError(new RuntimeUnavailableError("podman"), null)).toMatchObject({ status: 503, detail: expect.stringContaining("podman system service") });
  });

  it("says 503 when the runtime cannot be reached, 500 with its words when it refuses", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(describePodError(refused, docker)).toMatchObject({ status: 503, error: `Nothing answers at ${AT}: the socket exists but no Docker daemon listens on it.` });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const engine = Object.assign(new Error("(HTTP code 500) server error - boom"), { statusCode: 500, json: { message: "boom" } });
    expect(describePodError(engine, docker)).toEqual({ status: 500, error: "The Docker engine refused the request", detail: "boom" });
  });
});
