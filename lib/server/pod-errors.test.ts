import { afterEach, describe, expect, it, vi } from "vitest";
import { createFailure, PodExistsError, PodSpecError } from "./pod-creator";
import { podFailure } from "./pod-errors";
import { PortInUseError } from "./pods";

const AT = "unix:///var/run/docker.sock";

describe("podFailure and createFailure: error → {status, error, detail}", () => {
  afterEach(() => vi.restoreAllMocks());

  it("maps our own errors", () => {
    expect(podFailure(new PortInUseError(8880), AT)).toMatchObject({ status: 409, error: "Port in use" });
    expect(createFailure(new PodExistsError("web"), AT)).toEqual({
      status: 409,
      error: "A pod named web exists already.",
      detail: "Delete that pod first, or choose another name.",
    });
    expect(createFailure(new PodSpecError([{ path: "name", message: "too long" }]), AT)).toEqual({ status: 400, error: "Invalid pod spec", detail: "name: too long" });
  });

  it("says 503 when the engine cannot be reached, 500 with its words when it refuses", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(createFailure(refused, AT)).toMatchObject({ status: 503, error: `Nothing answers at ${AT}: the socket exists but no Docker daemon listens on it.` });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const engine = Object.assign(new Error("(HTTP code 500) server error - boom"), { statusCode: 500, json: { message: "boom" } });
    expect(podFailure(engine, AT)).toEqual({ status: 500, error: "The Docker engine refused the request", detail: "boom" });
  });
});
