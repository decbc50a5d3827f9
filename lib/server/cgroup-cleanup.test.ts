import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeEmptyCgroup, removeEmptyCgroupSettled } from "./cgroup-cleanup";

/** A fake cgroup v1 tree (plain directories: rmdir refuses a non-empty one, as the kernel does a busy cgroup). */
function tree(dirs: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cgroups-"));
  for (const d of dirs) fs.mkdirSync(path.join(root, d), { recursive: true });
  return root;
}

let root = "";
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("removing a pod's empty cgroups", () => {
  it("removes the parent in every hierarchy where it is empty, and keeps it where it is in use", () => {
    root = tree(["memory/pod-web", "cpu/pod-web", "pids/pod-web/still-running"]);
    expect(removeEmptyCgroup("/pod-web", { cgroupRoot: root }).map((d) => path.relative(root, d)).sort()).toEqual(["cpu/pod-web", "memory/pod-web"]);
    expect(fs.existsSync(path.join(root, "pids/pod-web/still-running"))).toBe(true);
  });

  it("removes a tree depth first when asked (what Podman leaves of a pod)", () => {
    root = tree(["systemd/libpod_parent/abc/conmon", "systemd/libpod_parent/abc/libpod-1"]);
    removeEmptyCgroup("/libpod_parent/abc", { tree: true, cgroupRoot: root });
    expect(fs.existsSync(path.join(root, "systemd/libpod_parent/abc"))).toBe(false);
    expect(fs.existsSync(path.join(root, "systemd/libpod_parent"))).toBe(true);
  });

  it("never touches a path it may not: relative, with .., or a systemd slice", () => {
    root = tree(["memory/kubepods.slice", "memory/x"]);
    for (const p of ["x", "/../x", "/kubepods.slice"]) expect(removeEmptyCgroup(p, { cgroupRoot: root })).toEqual([]);
    expect(fs.existsSync(path.join(root, "memory/kubepods.slice"))).toBe(true);
  });

  it("waits for a hierarchy whose child goes a moment later, as runc's do", async () => {
    root = tree(["memory/pod-db", "unified/pod-db/container"]);
    setTimeout(() => fs.rmdirSync(path.join(root, "unified/pod-db/container")), 150);
    await removeEmptyCgroupSettled("/pod-db", { cgroupRoot: root });
    expect(["memory/pod-db", "unified/pod-db"].filter((d) => fs.existsSync(path.join(root, d)))).toEqual([]);
  });
});
