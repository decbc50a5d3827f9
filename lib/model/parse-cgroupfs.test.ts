import { describe, expect, it } from "vitest";
import {
  CgroupParseError,
  parseCfsQuota,
  parseCgroupProcs,
  parseCount,
  parseCpuList,
  parseCpuMax,
  parseMemoryLimit,
  parsePidsMax,
  V1_FILES,
  V2_FILES,
} from "./parse-cgroupfs";

describe("parseMemoryLimit", () => {
  it("reads bytes, as v1 memory.limit_in_bytes and v2 memory.max write them", () => {
    expect(parseMemoryLimit("67108864\n")).toBe(67108864);
    expect(parseMemoryLimit("0\n")).toBe(0);
  });

  it('reads "max" (v2) and -1 as unlimited', () => {
    expect(parseMemoryLimit("max\n")).toBe("unlimited");
    expect(parseMemoryLimit("-1\n")).toBe("unlimited");
  });

  it("reads v1's page-rounded 2^63-1 as unlimited, for 4 KiB and 64 KiB pages", () => {
    expect(parseMemoryLimit("9223372036854771712\n")).toBe("unlimited"); // (2^63-1) & ~4095
    expect(parseMemoryLimit("9223372036854710272\n")).toBe("unlimited"); // (2^63-1) & ~65535
    expect(parseMemoryLimit("9223372036854775807\n")).toBe("unlimited");
  });

  it("refuses a number beyond 2^53 that is not unlimited instead of rounding it into a fake limit", () => {
    expect(() => parseMemoryLimit("9007199254740993\n")).toThrow(CgroupParseError);
    expect(() => parseMemoryLimit("4611686018427387904\n")).toThrow(/beyond 2\^53/);
    expect(parseMemoryLimit("9007199254740991\n")).toBe(9007199254740991);
  });

  it("refuses what is not a limit", () => {
    for (const bad of ["", "lots\n", "-2\n", "1.5\n", "64m\n", "1\n2\n"]) {
      expect(() => parseMemoryLimit(bad), JSON.stringify(bad)).toThrow(CgroupParseError);
    }
  });
});

describe("parseCount", () => {
  it("reads one decimal value", () => {
    expect(parseCount("237568\n")).toBe(237568);
    expect(parseCount("1024")).toBe(1024);
  });

  it("refuses negatives, text, several lines and values beyond 2^53", () => {
    for (const bad of ["-1\n", "max\n", "\n", "1 2\n", "1\n2\n", "18446744073709551615\n"]) {
      expect(() => parseCount(bad), JSON.stringify(bad)).toThrow(CgroupParseError);
    }
  });
});

describe("parseCfsQuota (v1 cpu.cfs_quota_us)", () => {
  it("reads microseconds per period, -1 as unlimited", () => {
    expect(parseCfsQuota("50000\n")).toBe(50000);
    expect(parseCfsQuota("-1\n")).toBe("unlimited");
    expect(() => parseCfsQuota("max\n")).toThrow(CgroupParseError);
  });
});

describe("parsePidsMax", () => {
  it('reads a number, "max" as unlimited', () => {
    expect(parsePidsMax("50\n")).toBe(50);
    expect(parsePidsMax("max\n")).toBe("unlimited");
    expect(() => parsePidsMax("-1\n")).toThrow(CgroupParseError);
  });
});

describe("parseCpuMax (v2 cpu.max)", () => {
  it('reads "$MAX $PERIOD", max as unlimited', () => {
    expect(parseCpuMax("50000 100000\n")).toEqual({ quotaUs: 50000, periodUs: 100000 });
    expect(parseCpuMax("max 100000\n")).toEqual({ quotaUs: "unlimited", periodUs: 100000 });
  });

  it("refuses anything else", () => {
    for (const bad of ["max\n", "50000\n", "50000 100000 1\n", "max max\n", "\n"]) {
      expect(() => parseCpuMax(bad), JSON.stringify(bad)).toThrow(CgroupParseError);
    }
  });
});

describe("parseCpuList", () => {
  it("keeps a CPU list as written, empty meaning none", () => {
    expect(parseCpuList("0-3,8\n")).toBe("0-3,8");
    expect(parseCpuList("1\n")).toBe("1");
    expect(parseCpuList("\n")).toBe("");
    expect(() => parseCpuList("all\n")).toThrow(CgroupParseError);
    expect(() => parseCpuList("0-\n")).toThrow(CgroupParseError);
  });
});

describe("parseCgroupProcs", () => {
  it("reads one PID a line, ascending, each once (v1 lists may repeat and are unsorted)", () => {
    expect(parseCgroupProcs("2051\n2050\n2051\n")).toEqual([2050, 2051]);
    expect(parseCgroupProcs("")).toEqual([]);
    expect(() => parseCgroupProcs("12\nx\n")).toThrow(CgroupParseError);
  });
});

describe("the file tables", () => {
  const fieldsOf = (specs: typeof V1_FILES, texts: Record<string, string>) =>
    Object.assign({}, ...specs.map((s) => s.parse(texts[s.file]!))) as Record<string, unknown>;

  it("map the v1 files to the limits", () => {
    expect(
      fieldsOf(V1_FILES, {
        "memory.limit_in_bytes": "67108864\n",
        "memory.usage_in_bytes": "1228800\n",
        "cpu.cfs_quota_us": "50000\n",
        "cpu.cfs_period_us": "100000\n",
        "cpu.shares": "1024\n",
        "pids.max": "50\n",
        "pids.current": "1\n",
        "cpuset.cpus": "0-1\n",
      }),
    ).toEqual({
      memoryLimit: 67108864,
      memoryUsage: 1228800,
      cpuQuotaUs: 50000,
      cpuPeriodUs: 100000,
      cpuShares: 1024,
      pidsMax: 50,
      pidsCurrent: 1,
      cpusetCpus: "0-1",
    });
  });

  it("map the v2 files to the limits", () => {
    expect(
      fieldsOf(V2_FILES, {
        "memory.max": "max\n",
        "memory.current": "9437184\n",
        "cpu.max": "max 100000\n",
        "cpu.weight": "100\n",
        "pids.max": "max\n",
        "pids.current": "2\n",
        "cpuset.cpus.effective": "0-3\n",
      }),
    ).toEqual({
      memoryLimit: "unlimited",
      memoryUsage: 9437184,
      cpuQuotaUs: "unlimited",
      cpuPeriodUs: 100000,
      cpuWeight: 100,
      pidsMax: "unlimited",
      pidsCurrent: 2,
      cpusetCpus: "0-3",
    });
  });
});
