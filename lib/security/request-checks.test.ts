import { describe, expect, it } from "vitest";
import { allowedPorts, appPort, checkHost, checkSameOrigin, parseHost } from "./request-checks";

const TOKEN = "a".repeat(48);
const ok = { host: "localhost:3000", origin: "http://localhost:3000", secFetchSite: "same-origin", token: TOKEN };

describe("parseHost", () => {
  it("splits names, IPv4 and bracketed IPv6 from their ports", () => {
    expect(parseHost("localhost:3000")).toEqual({ name: "localhost", port: "3000" });
    expect(parseHost("[::1]:3000")).toEqual({ name: "[::1]", port: "3000" });
    expect(parseHost("LOCALHOST")).toEqual({ name: "localhost", port: "80" });
    expect(parseHost("local host")).toBeNull();
    expect(parseHost("a:b:c")).toBeNull();
    expect(parseHost("")).toBeNull();
  });
});

describe("checkHost", () => {
  it.each(["localhost:3000", "127.0.0.1:3000", "127.1.2.3:3000", "[::1]:3000"])("allows %s", (h) => {
    expect(checkHost(h, "3000")).toEqual({ ok: true });
  });
  it.each([
    ["evil.example:3000", 403],
    ["localhost.evil.example:3000", 403],
    ["192.168.1.10:3000", 403],
    ["0.0.0.0:3000", 403],
    ["localhost:3001", 403],
    ["localhost", 403],
    ["local host", 400],
    [null, 400],
  ] as const)("refuses %s with %i", (h, status) => {
    expect(checkHost(h, "3000")).toMatchObject({ ok: false, status });
  });
});

describe("checkSameOrigin", () => {
  it("allows the app's own page", () => {
    expect(checkSameOrigin(ok, "3000", TOKEN)).toEqual({ ok: true });
    expect(checkSameOrigin({ ...ok, secFetchSite: null }, "3000", TOKEN)).toEqual({ ok: true });
  });
  it.each([
    ["no Origin", { origin: null }],
    ["Origin null", { origin: "null" }],
    ["a foreign Origin", { origin: "http://evil.example" }],
    ["an Origin on another port", { origin: "http://localhost:3001" }],
    ["an https Origin", { origin: "https://localhost:3000" }],
    ["a malformed Origin", { origin: "::::" }],
    ["a cross-site fetch", { secFetchSite: "cross-site" }],
    ["a same-site fetch", { secFetchSite: "same-site" }],
    ["no token", { token: null }],
    ["a wrong token", { token: "b".repeat(48) }],
    ["a short token", { token: "a" }],
    ["a forged Host", { host: "evil.example:3000", origin: "http://evil.example:3000" }],
  ])("refuses %s", (_what, change) => {
    const verdict = checkSameOrigin({ ...ok, ...change }, "3000", TOKEN);
    expect(verdict.ok).toBe(false);
  });
});

describe("appPort", () => {
  it("is PORT, or Next's default 3000", () => {
    expect(appPort({ PORT: "3999" })).toBe("3999");
    expect(appPort({})).toBe("3000");
  });
});

describe("the port the user published (POD_ANATOMY_PUBLIC_PORT)", () => {
  const env = { PORT: "3000", POD_ANATOMY_PUBLIC_PORT: "3001" };

  it("adds the published port(s) to PORT, ignoring what is not a port", () => {
    expect(allowedPorts(env)).toEqual(["3000", "3001"]);
    expect(allowedPorts({ PORT: "3000", POD_ANATOMY_PUBLIC_PORT: " 3001, 8080 ,abc,0,70000,3000" })).toEqual(["3000", "3001", "8080"]);
    expect(allowedPorts({ PORT: "3000" })).toEqual(["3000"]);
    expect(allowedPorts({ PORT: "3000", POD_ANATOMY_PUBLIC_PORT: "" })).toEqual(["3000"]);
  });

  it("accepts Host: localhost:3001 (-p 127.0.0.1:3001:3000) and still the app's own port", () => {
    expect(checkHost("localhost:3001", allowedPorts(env)).ok).toBe(true);
    expect(checkHost("127.0.0.1:3001", allowedPorts(env)).ok).toBe(true);
    expect(checkHost("localhost:3000", allowedPorts(env)).ok).toBe(true);
  });

  it("still refuses a name that is not loopback on the published port, and other ports", () => {
    const forged = checkHost("evil.example:3001", allowedPorts(env));
    expect(forged).toMatchObject({ ok: false, status: 403 });
    expect(checkHost("localhost:3002", allowedPorts(env))).toMatchObject({ ok: false, status: 403 });
    expect(checkHost("172.17.0.2:3001", allowedPorts(env))).toMatchObject({ ok: false, status: 403 });
    // Without the setting, the published port is refused.
    expect(checkHost("localhost:3001", allowedPorts({ PORT: "3000" }))).toMatchObject({ ok: false, status: 403 });
  });

  it("needs Origin to be the published origin the browser used", () => {
    const published = { host: "localhost:3001", origin: "http://localhost:3001", secFetchSite: "same-origin", token: TOKEN };
    expect(checkSameOrigin(published, allowedPorts(env), TOKEN).ok).toBe(true);
    expect(checkSameOrigin({ ...published, origin: "http://localhost:3000" }, allowedPorts(env), TOKEN).ok).toBe(false);
    expect(checkSameOrigin(published, allowedPorts({ PORT: "3000" }), TOKEN).ok).toBe(false);
  });
});
