import { describe, expect, it } from "vitest";
import { dashboardSearch, parseDashboardSearch, viewOf } from "@/lib/view/focus-url";

describe("the dashboard's URL", () => {
  it("reads the pod in focus and the view; an unknown view is the default", () => {
    expect(parseDashboardSearch("?pod=demo-1")).toEqual({ pod: "demo-1", view: null });
    expect(parseDashboardSearch("?pod=kube-system%2Fcoredns&view=cgroups")).toEqual({ pod: "kube-system/coredns", view: "cgroups" });
    expect(parseDashboardSearch("?view=sideways")).toEqual({ pod: null, view: null });
    expect(parseDashboardSearch("?pod=%20")).toEqual({ pod: null, view: null });
    expect(parseDashboardSearch("")).toEqual({ pod: null, view: null });
  });

  it("shows the graph of a pod in focus, else the overview when there are pods, else the graph", () => {
    expect(viewOf({ pod: "demo-1", view: null }, true)).toBe("graph");
    expect(viewOf({ pod: null, view: null }, true)).toBe("overview");
    expect(viewOf({ pod: null, view: null }, false)).toBe("graph");
    expect(viewOf({ pod: "demo-1", view: "processes" }, true)).toBe("processes");
  });

  it("writes the focus and the view, defaults left out, other parameters kept", () => {
    expect(dashboardSearch({ pod: "demo-1", view: null })).toBe("?pod=demo-1");
    expect(dashboardSearch({ pod: "demo-1", view: "graph" })).toBe("?pod=demo-1");
    expect(dashboardSearch({ pod: "shop/web", view: "namespaces" })).toBe("?pod=shop%2Fweb&view=namespaces");
    expect(dashboardSearch({ pod: null, view: "overview" })).toBe("");
    expect(dashboardSearch({ pod: null, view: "graph" })).toBe("?view=graph");
    expect(dashboardSearch({ pod: null, view: null }, "?pod=demo-1&view=cgroups&lang=en")).toBe("?lang=en");
    // With no pod, the default is the graph: an overview asked for is written down.
    expect(dashboardSearch({ pod: null, view: "overview" }, "", false)).toBe("?view=overview");
  });

  it("reads back what it writes", () => {
    for (const location of [
      { pod: "demo-1", view: "cgroups" as const },
      { pod: null, view: "processes" as const },
      { pod: "a b&c", view: null },
    ]) {
      expect(parseDashboardSearch(dashboardSearch(location))).toEqual(location);
    }
  });
});
