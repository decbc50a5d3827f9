/**
 * Loopback only by default. The running server listens on 127.0.0.1 only, as the kernel's
 * socket table says, and cannot be reached through any other address of this machine.
 * Listening elsewhere needs POD_ANATOMY_BIND (scripts/bind-address.sh), which warns — and
 * even then the Host check answers only requests naming a loopback host.
 */
import { spawnSync } from "node:child_process";
import net from "node:net";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { listeningSockets } from "@/scripts/proc-net";
import { BASE_URL, rawRequest } from "../support/api";
import { extraPort, startExtraServer } from "../support/servers";

const port = Number(new URL(BASE_URL).port);

/** Local addresses of the LISTEN sockets on a port, as the kernel's socket tables say. */
const listeningAddresses = (onPort: number) => listeningSockets(onPort).map((s) => s.address);

/** The machine's own non-loopback IPv4 addresses (eth0, docker0, …). */
function otherAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === "IPv4" && !a.internal)
    .map((a) => a.address);
}

function connectError(host: string, onPort: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: onPort });
    s.setTimeout(3_000, () => (s.destroy(), resolve("timeout")));
    s.on("connect", () => (s.destroy(), resolve("connected")));
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function bindAddress(env: Record<string, string>) {
  const r = spawnSync("bash", ["scripts/bind-address.sh"], { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("loopback only by default", () => {
  it("the running server listens on 127.0.0.1 only (the kernel's LISTEN sockets on its port)", () => {
    expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
  });

  it("cannot be reached through any other address of this machine", async (ctx) => {
    const others = otherAddresses();
    ctx.skip(others.length === 0, "this machine has no address but loopback");
    for (const addr of others) expect(await connectError(addr, port), `${addr}:${port}`).toBe("ECONNREFUSED");
  });

  it("chooses 127.0.0.1 with no setting, silently", () => {
    expect(bindAddress({})).toEqual({ status: 0, stdout: "127.0.0.1\n", stderr: "" });
    expect(bindAddress({ POD_ANATOMY_BIND: "::1" })).toEqual({ status: 0, stdout: "::1\n", stderr: "" });
  });

  it("binds elsewhere only when POD_ANATOMY_BIND says so, with a warning", () => {
    const r = bindAddress({ POD_ANATOMY_BIND: "0.0.0.0" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("0.0.0.0\n");
    expect(r.stderr).toMatch(/^WARNING: POD_ANATOMY_BIND=0\.0\.0\.0/);
    expect(r.stderr).toContain("anyone who can reach this port can create containers on this host");
  });

  it("refuses a POD_ANATOMY_BIND that is not an IP address", () => {
    for (const bad of ["evil.example", "0.0.0.0 --inspect", "$(id)"]) {
      const r = bindAddress({ POD_ANATOMY_BIND: bad });
      expect(r.status, bad).toBe(1);
      expect(r.stdout, bad).toBe("");
      expect(r.stderr, bad).toContain("is not an IP address");
    }
  });

  it("bound to 0.0.0.0, it still answers only requests that name a loopback host (what the README says)", async (ctx) => {
    const addr = otherAddresses()[0];
    ctx.skip(!addr, "this machine has no address but loopback");
    const bind = bindAddress({ POD_ANATOMY_BIND: "0.0.0.0" }).stdout.trim();
    const server = await startExtraServer(1, {}, { hostname: bind });
    try {
      const extra = extraPort(1);
      expect(listeningAddresses(extra)).toEqual(["0.0.0.0"]);
      // A browser elsewhere that opens http://ADDR:PORT/ sends that as Host: refused.
      const viaLan = await fetch(`http://${addr}:${extra}/api/snapshot`);
      expect(viaLan.status).toBe(403);
      // A script can forge a loopback Host: the check is no authentication, hence the warning.
      const forged = await new Promise<number>((resolve, reject) => {
        const s = net.connect({ host: addr, port: extra }, () => s.write(`GET /api/snapshot HTTP/1.1\r\nHost: localhost:${extra}\r\nConnection: close\r\n\r\n`));
        let data = "";
        s.on("data", (d) => (data += d));
        s.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1])));
        s.on("error", reject);
      });
      expect(forged).toBe(200);
      // Loopback keeps working as before.
      expect((await rawRequest("GET", "/api/snapshot", { Host: `localhost:${extra}` }, undefined, server.url)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
