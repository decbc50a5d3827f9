import { describe, expect, it } from "vitest";
import { innermostPid, isBeforeInPidNamespace, isPidNsInit, pidNamespaceInit } from "./pid-namespaces";
import * as build from "@/test/support/model-builders";

describe("isPidNsInit", () => {
  it("looks at the innermost PID only", () => {
    expect(isPidNsInit({ nspid: [18000, 1] })).toBe(true);
    expect(isPidNsInit({ nspid: [1] })).toBe(true);
    expect(isPidNsInit({ nspid: [18126, 7] })).toBe(false);
    expect(isPidNsInit({ nspid: [] })).toBe(false);
  });
});

describe("innermostPid and isBeforeInPidNamespace", () => {
  it("takes the last NSpid entry, else the host PID, and breaks ties by host PID", () => {
    expect(innermostPid({ pid: 18000, nspid: [18000, 1] })).toBe(1);
    expect(innermostPid({ pid: 18000, nspid: [] })).toBe(18000);
    expect(isBeforeInPidNamespace({ pid: 900, nspid: [900, 2] }, { pid: 800, nspid: [800, 3] })).toBe(true);
    expect(isBeforeInPidNamespace({ pid: 900, nspid: [900, 1] }, { pid: 800, nspid: [800, 1] })).toBe(false);
    expect(isBeforeInPidNamespace({ pid: 800, nspid: [800, 1] }, { pid: 900, nspid: [900, 1] })).toBe(true);
  });
});

describe("pidNamespaceInit", () => {
  const sandbox = build.container({ id: "a".repeat(64), name: "sb", namespaces: { pid: 4026532302 } });
  const member = build.container({ id: "b".repeat(64), name: "app", namespaces: { pid: 4026532302 } });
  const other = build.container({ id: "c".repeat(64), name: "alone", namespaces: { pid: 4026532999 } });
  const processes = [
    build.proc({ pid: 300, nspid: [300, 1], containerId: other.id }),
    build.proc({ pid: 200, nspid: [200, 7], containerId: member.id }),
    build.proc({ pid: 250, nspid: [250, 1], containerId: sandbox.id }),
  ];

  it("finds PID 1 of the shared pid namespace, in the container that holds it", () => {
    const found = pidNamespaceInit({ containers: [sandbox, member, other], processes }, member.namespaces.pid);
    expect(found?.process.pid).toBe(250);
    expect(found?.container.name).toBe("sb");
  });

  it("says null when PID 1 of that namespace is not in the snapshot", () => {
    expect(pidNamespaceInit({ containers: [sandbox, member, other], processes: processes.slice(0, 2) }, member.namespaces.pid)).toBeNull();
  });
});
