import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CGROUP_CONTROLLER_EXPLANATIONS, CGROUP_CONTROLLERS, OTHER_CGROUP_CONTROLLER_EXPLANATIONS } from "./cgroup-controllers";
import { parseCgroupFile } from "./parse-proc";

const explained = { ...CGROUP_CONTROLLER_EXPLANATIONS, ...OTHER_CGROUP_CONTROLLER_EXPLANATIONS };

describe("cgroup controller explanations", () => {
  it("lists the controllers a pod's limits are made of, in the legend's order", () => {
    expect(CGROUP_CONTROLLERS).toEqual(["memory", "cpu", "cpuset", "pids", "io", "blkio", "devices", "freezer"]);
  });

  it("explains every controller of a cgroup v1 host's /proc/1/cgroup (fixture proc-basic)", () => {
    const entries = parseCgroupFile(fs.readFileSync(new URL("../../test/fixtures/proc-basic/1/cgroup", import.meta.url), "utf8"));
    const controllers = entries.flatMap((e) => e.controllers).filter((c) => !c.startsWith("name="));
    expect(controllers.sort()).toEqual(["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "net_cls", "net_prio", "pids"]);
    for (const c of controllers) expect(explained, c).toHaveProperty(c);
  });

  it("gives each one line, no controller in both lists", () => {
    for (const [name, text] of Object.entries(explained)) {
      expect(text, name).toMatch(/^[^\n]{20,160}$/);
    }
    const common = Object.keys(OTHER_CGROUP_CONTROLLER_EXPLANATIONS).filter((c) => c in CGROUP_CONTROLLER_EXPLANATIONS);
    expect(common).toEqual([]);
  });
});
