import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCommand,
  formatCpuQuota,
  formatLimit,
  formatNspidChain,
  formatProcessState,
  truncateEnd,
  truncateStart,
  usageFraction,
} from "@/lib/view/format";

describe("formatBytes", () => {
  it("writes bytes in binary units with at most one decimal", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(67108864)).toBe("64 MiB");
    expect(formatBytes(536870912)).toBe("512 MiB");
    expect(formatBytes(12_897_484)).toBe("12.3 MiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2 GiB");
  });

  it("steps up a unit when rounding reaches 1024", () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe("1 MiB");
  });
});

describe("formatLimit", () => {
  it("says unlimited, formats numbers, and returns null for what was not read", () => {
    expect(formatLimit("unlimited", formatBytes)).toBe("unlimited");
    expect(formatLimit(67108864, formatBytes)).toBe("64 MiB");
    expect(formatLimit(50)).toBe("50");
    expect(formatLimit(null)).toBeNull();
  });
});

describe("formatCpuQuota", () => {
  it("turns quota and period into CPUs, as docker run --cpus takes them", () => {
    expect(formatCpuQuota(50000, 100000)).toBe("0.5 CPU");
    expect(formatCpuQuota(200000, 100000)).toBe("2 CPU");
    expect(formatCpuQuota(150000, 100000)).toBe("1.5 CPU");
    expect(formatCpuQuota(33333, 100000)).toBe("0.33 CPU");
    expect(formatCpuQuota(25000, 50000)).toBe("0.5 CPU");
  });

  it("says unlimited without a quota and returns null when a value is missing", () => {
    expect(formatCpuQuota("unlimited", 100000)).toBe("unlimited");
    expect(formatCpuQuota("unlimited", null)).toBe("unlimited");
    expect(formatCpuQuota(50000, null)).toBeNull();
    expect(formatCpuQuota(null, 100000)).toBeNull();
    expect(formatCpuQuota(50000, 0)).toBeNull();
  });
});

describe("usageFraction", () => {
  it("is usage over a finite limit, clamped to 1", () => {
    expect(usageFraction(16 * 1024 ** 2, 64 * 1024 ** 2)).toBe(0.25);
    expect(usageFraction(70, 50)).toBe(1);
  });

  it("is null without a finite limit or without usage", () => {
    expect(usageFraction(100, "unlimited")).toBeNull();
    expect(usageFraction(100, null)).toBeNull();
    expect(usageFraction(null, 100)).toBeNull();
    expect(usageFraction(5, 0)).toBeNull();
  });
});

describe("process text", () => {
  it("writes the NSpid chain outermost first, or the PID alone when the kernel gave none", () => {
    expect(formatNspidChain([18126, 7], 18126)).toBe("18126 → 7");
    expect(formatNspidChain([900, 12, 1], 900)).toBe("900 → 12 → 1");
    expect(formatNspidChain([], 700)).toBe("700");
  });

  it("writes the command line, or [name] when it is empty", () => {
    expect(formatCommand({ cmdline: ["nc", "-ll", "-p", "80"], name: "nc" })).toBe("nc -ll -p 80");
    expect(formatCommand({ cmdline: [], name: "sh" })).toBe("[sh]");
  });

  it("names the process states", () => {
    expect(formatProcessState("Z")).toBe("Z zombie");
    expect(formatProcessState("S")).toBe("S sleeping");
    expect(formatProcessState("W")).toBe("W");
  });

  it("truncates at either end to at most max characters", () => {
    expect(truncateEnd("demo-nginx", 20)).toBe("demo-nginx");
    expect(truncateEnd("abcdefghij", 5)).toBe("abcd…");
    expect(truncateStart("/pod-demo/058b9c36a1f2", 12)).toBe("…58b9c36a1f2");
    expect(truncateStart("abc", 3)).toBe("abc");
  });
});
