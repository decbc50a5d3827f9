import "server-only";

/**
 * The hostname of a uts namespace, as the kernel holds it. No file of /proc shows another
 * uts namespace's hostname: /proc/sys/kernel/hostname (also through /proc/PID/root) answers
 * for the *reader's* uts namespace, and /proc/PID/root/etc/hostname is a file the runtime
 * wrote, which `hostname x` inside the container does not change. So the namespace is
 * entered: `nsenter -t PID -u uname -n` (setns to /proc/PID/ns/uts, then uname(2)), once per
 * namespace inode, the answer cached by inode. An inode no longer seen in a snapshot is
 * dropped from the cache (the kernel reuses inode numbers of namespaces that died), so a new
 * namespace with a reused number is read again. A hostname changed inside a running
 * container (sethostname needs CAP_SYS_ADMIN there, which runtimes do not grant by default)
 * is not seen until that container's namespace is new.
 */
import { execFile } from "node:child_process";
import type { NamespaceTarget } from "@/lib/model/net-namespace";
import type { UtsHostname } from "@/lib/model/types";
import { processSingleton } from "./singleton";

/** Runs `nsenter -t PID -u uname -n`, resolves to its output. */
export type HostnameReader = (pid: number) => Promise<string>;

const NSENTER_TIMEOUT_MS = 3_000;
/** At most this many nsenter processes at once (a first snapshot of 330 containers on 2 cores). */
const CONCURRENCY = 4;

export const nsenterUname: HostnameReader = (pid) =>
  new Promise((resolve, reject) => {
    execFile("nsenter", ["-t", String(pid), "-u", "uname", "-n"], { timeout: NSENTER_TIMEOUT_MS, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error((stderr || err.message).trim()));
      else resolve(stdout.trim());
    });
  });

export class HostnameCache {
  /** The hostnames read, by uts inode. */
  private readonly known = new Map<number, string>();
  /** The reads under way, by uts inode. */
  private readonly reading = new Map<number, Promise<void>>();

  constructor(private readonly read: HostnameReader = nsenterUname) {}

  /**
   * The hostname of each target's namespace: known ones at once, the others read
   * (CONCURRENCY at a time). Waits at most `waitMs` for those being read: a namespace not
   * read by then has hostname null ("being read") in this answer, and its hostname in a
   * later one. A read that failed says why, and is tried again next time.
   */
  async hostnames(targets: readonly NamespaceTarget[], waitMs = Infinity): Promise<UtsHostname[]> {
    const wanted = new Set(targets.map((t) => t.inode));
    for (const inode of this.known.keys()) if (!wanted.has(inode)) this.known.delete(inode);
    const failed = new Map<number, string>();
    const queue = targets.filter((t) => !this.known.has(t.inode) && !this.reading.has(t.inode));
    const readOne = async (t: NamespaceTarget) => {
      try {
        this.known.set(t.inode, await this.read(t.readThrough));
      } catch (err) {
        failed.set(t.inode, `nsenter -t ${t.readThrough} -u uname -n: ${(err as Error).message}`);
      } finally {
        this.reading.delete(t.inode);
      }
    };
    const mine = queue.map((t) => {
      let start!: () => void;
      const started = new Promise<void>((r) => (start = r));
      const done = started.then(() => readOne(t));
      this.reading.set(t.inode, done);
      return { start, done };
    });
    // CONCURRENCY workers take the reads in order.
    const workers = Array.from({ length: Math.min(CONCURRENCY, mine.length) }, async (_, w) => {
      for (let i = w; i < mine.length; i += CONCURRENCY) {
        mine[i]!.start();
        await mine[i]!.done;
      }
    });
    const pending = [...workers, ...targets.map((t) => this.reading.get(t.inode)).filter((p) => p !== undefined)];
    const all = Promise.all(pending);
    if (Number.isFinite(waitMs)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    } else {
      await all;
    }
    return targets.map((t) => {
      const hostname = this.known.get(t.inode);
      if (hostname !== undefined) return { inode: t.inode, readThrough: t.readThrough, hostname, problem: null };
      const problem = failed.get(t.inode) ?? `being read (nsenter -t ${t.readThrough} -u uname -n): shown in a later snapshot`;
      return { inode: t.inode, readThrough: t.readThrough, hostname: null, problem };
    });
  }
}

export function getHostnameCache(): HostnameCache {
  return processSingleton("__podAnatomyHostnames", () => new HostnameCache());
}
