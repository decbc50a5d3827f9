import { describe, expect, it } from "vitest";
import { HostnameCache } from "./uts-hostname";

describe("HostnameCache", () => {
  it("enters each uts namespace once, caches by inode, drops inodes no longer seen, retries failures", async () => {
    const asked: number[] = [];
    const names: Record<number, string> = { 10: "pod-a", 20: "pod-b" };
    const cache = new HostnameCache(async (pid) => {
      asked.push(pid);
      if (!(pid in names)) throw new Error("nsenter: cannot open /proc/30/ns/uts: No such file or directory");
      return names[pid]!;
    });
    const a = { inode: 1, readThrough: 10, pids: [] };
    const b = { inode: 2, readThrough: 20, pids: [] };
    const gone = { inode: 3, readThrough: 30, pids: [] };
    expect(await cache.hostnames([a, b, gone])).toEqual([
      { inode: 1, readThrough: 10, hostname: "pod-a", problem: null },
      { inode: 2, readThrough: 20, hostname: "pod-b", problem: null },
      { inode: 3, readThrough: 30, hostname: null, problem: "nsenter -t 30 -u uname -n: nsenter: cannot open /proc/30/ns/uts: No such file or directory" },
    ]);
    expect(await cache.hostnames([a, b, gone])).toHaveLength(3);
    expect(asked).toEqual([10, 20, 30, 30]); // a and b from the cache, the failure asked again
    await cache.hostnames([b]); // a is no longer seen: forgotten
    names[10] = "pod-a2";
    expect((await cache.hostnames([a]))[0]!.hostname).toBe("pod-a2");
  });

  it("answers within waitMs: a namespace still being read comes in a later answer", async () => {
    let release!: (name: string) => void;
    const cache = new HostnameCache(() => new Promise<string>((r) => (release = r)));
    const t = { inode: 7, readThrough: 70, pids: [] };
    expect(await cache.hostnames([t], 10)).toEqual([
      { inode: 7, readThrough: 70, hostname: null, problem: "being read (nsenter -t 70 -u uname -n): shown in a later snapshot" },
    ]);
    release("slow-pod");
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.hostnames([t], 10)).toEqual([{ inode: 7, readThrough: 70, hostname: "slow-pod", problem: null }]);
  });
});
