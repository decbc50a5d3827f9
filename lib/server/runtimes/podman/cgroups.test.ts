import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removePodCgroups } from "./cgroups";

const POD = "09fab4329429a2bbef0d4e02c86142eb41eb5c5928002f01d9f0a29e36b600b8";
const CTR = "569ed838c2a5017c5233ba1823f44d7508adeb8e410c69d38b0029f1a161f1b5";
let root = "";
const mk = (p: string) => fs.mkdirSync(path.join(root, p), { recursive: true });
const exists = (p: string) => fs.existsSync(path.join(root, p));

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("removePodCgroups (a fake v1 hybrid tree: empty directories stand for empty cgroups)", () => {
  it("removes the pod's leftovers in every hierarchy, keeps /libpod_parent and anything still in use", () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cg-"));
    mk(`systemd/libpod_parent/${POD}/libpod-${CTR}`);
    mk(`unified/libpod_parent/${POD}`);
    mk(`memory/libpod_parent/${POD}/busy`);
    fs.writeFileSync(path.join(root, `memory/libpod_parent/${POD}/busy/cgroup.procs`), "42\n"); // not empty: rmdir fails
    mk("systemd/libpod_parent/other-pod");
    removePodCgroups("/libpod_parent", POD, root);
    expect(exists(`systemd/libpod_parent/${POD}`)).toBe(false);
    expect(exists(`unified/libpod_parent/${POD}`)).toBe(false);
    expect(exists(`memory/libpod_parent/${POD}/busy`)).toBe(true);
    expect(exists("systemd/libpod_parent/other-pod")).toBe(true);
    expect(exists("systemd/libpod_parent")).toBe(true);
  });

  it("removes a cgroup parent of the pod's own once empty; refuses odd paths", () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cg-"));
    mk(`systemd/pod-web/${POD}`);
    mk(`pids/pod-web/${POD}`);
    mk("pids/pod-web/another");
    removePodCgroups("/pod-web", POD, root);
    expect(exists("systemd/pod-web")).toBe(false);
    expect(exists(`pids/pod-web/${POD}`)).toBe(false);
    expect(exists("pids/pod-web/another")).toBe(true);
    mk("systemd/x/../escape");
    removePodCgroups("/../x", POD, root);
    removePodCgroups("/pod-web", "not-an-id", root);
    expect(exists("pids/pod-web/another")).toBe(true);
  });
});
