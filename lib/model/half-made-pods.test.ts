import { describe, expect, it } from "vitest";
import { findHalfMadePods, LABEL_POD_SIZE, removalOrder } from "./half-made-pods";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, LABEL_ROLE, LABEL_STEPWISE, type ContainerFacts } from "./types";

function container(pod: string, role: "sandbox" | "app", name: string, over: Partial<ContainerFacts> = {}, size = "3"): ContainerFacts {
  return {
    id: `${name}-id`,
    name,
    image: "img",
    imageId: "sha256:x",
    state: "running",
    pid: 1000,
    created: "2026-11-22T04:00:00Z",
    networkMode: "default",
    ipcMode: "private",
    pidMode: "",
    utsMode: "",
    cgroupParent: "",
    labels: { [LABEL_APP]: LABEL_APP_VALUE, [LABEL_POD]: pod, [LABEL_ROLE]: role, ...(size ? { [LABEL_POD_SIZE]: size } : {}) },
    ports: [],
    discoveredBy: "engine",
    runtime: "docker",
    ...over,
  };
}

function pod(name: string, over: Partial<ContainerFacts> = {}): ContainerFacts[] {
  return [container(name, "sandbox", `${name}-pause`, over), container(name, "app", `${name}-nginx`, over), container(name, "app", `${name}-ghost`, over)];
}

describe("findHalfMadePods", () => {
  it("finds nothing in complete pods, running or stopped (a daemon restart stops them: that is not half-made)", () => {
    expect(findHalfMadePods([...pod("a"), ...pod("b", { state: "exited", pid: null })], new Set())).toEqual([]);
  });

  it("finds a pod with fewer containers than its size label says", () => {
    const [pause, nginx] = pod("p");
    expect(findHalfMadePods([pause!], new Set())).toEqual(["p"]);
    expect(findHalfMadePods([pause!, nginx!, ...pod("ok")], new Set())).toEqual(["p"]);
    // The sandbox gone, members left: still half-made.
    expect(findHalfMadePods([nginx!], new Set())).toEqual(["p"]);
  });

  it("finds a pod whose containers all exist but one was created and never started", () => {
    const [pause, nginx, ghost] = pod("p");
    expect(findHalfMadePods([pause!, nginx!, { ...ghost!, state: "created", pid: null }], new Set())).toEqual(["p"]);
  });

  it("leaves alone a pod built step by step, between its steps", () => {
    const [sandbox] = pod("steps");
    const stepwise = { ...sandbox!, labels: { ...sandbox!.labels, [LABEL_STEPWISE]: "true" } };
    expect(findHalfMadePods([stepwise], new Set())).toEqual([]);
    expect(findHalfMadePods([sandbox!], new Set())).toEqual(["steps"]); // the same, made by Create: half-made
  });

  it("leaves alone pods being created right now", () => {
    const [pause] = pod("p");
    expect(findHalfMadePods([pause!, ...pod("q").slice(0, 2)], new Set(["p"]))).toEqual(["q"]);
  });

  it("never considers containers without Pod Anatomy's app label, even with a pod label", () => {
    const [pause] = pod("p");
    const foreign = { ...pause!, labels: { [LABEL_POD]: "p", [LABEL_POD_SIZE]: "3" } };
    expect(findHalfMadePods([foreign], new Set())).toEqual([]);
    const otherApp = { ...pause!, labels: { ...pause!.labels, [LABEL_APP]: "someone-else" } };
    expect(findHalfMadePods([otherApp], new Set())).toEqual([]);
  });

  it("judges pods made before the size label by the never-started rule only", () => {
    const old = container("old", "sandbox", "old-pause", {}, "");
    expect(findHalfMadePods([old], new Set())).toEqual([]);
    expect(findHalfMadePods([{ ...old, state: "created" }], new Set())).toEqual(["old"]);
    expect(findHalfMadePods([container("bad", "sandbox", "bad-pause", {}, "three")], new Set())).toEqual([]);
  });
});

describe("removalOrder", () => {
  it("removes members first and the sandbox, which holds their namespaces, last", () => {
    const [pause, nginx, ghost] = pod("p");
    expect(removalOrder([pause!, nginx!, ghost!]).map((c) => c.name)).toEqual(["p-nginx", "p-ghost", "p-pause"]);
  });
});
