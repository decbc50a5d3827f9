import { describe, expect, it } from "vitest";
import { engineMessage, explainEngineError, isConflict, isEngineUnreachable, isNotFound, isPortInUse } from "./engine-errors";

const errno = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
const http = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), { statusCode, json: { message } });

describe("engine errors", () => {
  it("reads the engine's status", () => {
    expect(isNotFound(http(404, "No such container: x"))).toBe(true);
    expect(isNotFound(http(409, "removal of container x is already in progress"))).toBe(false);
    expect(isConflict(http(409, "removal of container x is already in progress"))).toBe(true);
    expect(isNotFound(errno("ENOENT"))).toBe(false);
    expect(isNotFound(null)).toBe(false);
  });

  it("recognises a published port already taken", () => {
    expect(isPortInUse(http(500, "driver failed programming external connectivity: Bind for 127.0.0.1:8880 failed: port is already allocated"))).toBe(true);
    expect(isPortInUse({ json: { message: "listen tcp4 127.0.0.1:8880: bind: address already in use" } })).toBe(true);
    expect(isPortInUse(http(500, "no such image"))).toBe(false);
  });

  it("takes the engine's own words out of docker-modem's wrapping", () => {
    expect(engineMessage(http(500, "pull access denied"))).toBe("pull access denied");
    expect(engineMessage(new Error("(HTTP code 500) server error - the words "))).toBe("the words");
  });

  it("says why the engine could not be reached", () => {
    const at = "unix:///var/run/docker.sock";
    expect(explainEngineError(errno("ENOENT"), at).reason).toBe("socket-missing");
    expect(explainEngineError(errno("EACCES"), at).reason).toBe("permission-denied");
    expect(explainEngineError(errno("ECONNREFUSED"), at).reason).toBe("no-daemon");
    expect(explainEngineError(errno("EPIPE"), at).reason).toBe("no-daemon");
    expect(explainEngineError(Object.assign(new Error("t"), { name: "TimeoutError" }), at).reason).toBe("timeout");
    expect(explainEngineError(http(500, "boom"), at).reason).toBe("error");
    expect(isEngineUnreachable(errno("ECONNRESET"))).toBe(true);
    expect(isEngineUnreachable(errno("EPERM"))).toBe(false); // answered 500 "refused", as before
    expect(isEngineUnreachable(http(500, "boom"))).toBe(false);
  });
});
