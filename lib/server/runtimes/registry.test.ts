import { describe, expect, it } from "vitest";
import { NestedRuntimeLook } from "./registry";

describe("NestedRuntimeLook", () => {
  it("looks at every PID first and every minute; in between at the containers' processes and the runtimes found before", () => {
    let now = 0;
    const look = new NestedRuntimeLook(() => [30, 10, 20], () => now);
    expect(look.pids()).toBeUndefined(); // the first look: all of /proc
    look.found([7]); // a runtime outside any container
    now = 2_000;
    expect(look.pids()).toEqual([30, 10, 20, 7]);
    look.found([]); // it is gone
    now = 4_000;
    expect(look.pids()).toEqual([30, 10, 20]);
    now = 60_000;
    expect(look.pids()).toBeUndefined();
    now = 62_000;
    expect(look.pids()).toEqual([30, 10, 20]);
  });

  it("looks at every PID when no cgroup hierarchy can be listed", () => {
    let now = 0;
    const look = new NestedRuntimeLook(() => null, () => now);
    expect(look.pids()).toBeUndefined();
    now = 2_000;
    expect(look.pids()).toBeUndefined();
  });
});
