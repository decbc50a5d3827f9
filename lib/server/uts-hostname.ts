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

/**
 * A cached answer's key: the uts inode and the PID it is read through. The kernel reuses a dead
 * namespace's inode, and a container removed and another made between two snapshots can get
 * the same one (seen in CI: the new pause showed the old one's hostname); the new namespace
 * comes with new processes.
 */
const keyOf = (t: NamespaceTarget) => `${t.inode}/${t.readThrough}`;

export class HostnameCache {
  /** The hostnames read, by keyOf. */
  private readonly known = new Map<string, string>();
  /** The reads under way, by keyOf. */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly read: HostnameReader = nsenterUname) {}

  /**
   * The hostname of each target's namespace: known ones at once, the others read
   * (CONCURRENCY at a time). Waits at most `waitMs` for those being read: a namespace not
   * read by then has hostname null ("being read") in this answer, and its hostname in a
   * later one. A read that failed says why, and is tried again next time.
   */
  async hostnames(targets: readonly NamespaceTarget[], waitMs = Infinity): Promise<UtsHostname[]> {
    const wanted = new Set(targets.map(keyOf));
    for (const key of this.known.keys()) if (!wanted.has(key)) this.known.delete(key);
    const failed = new Map<string, string>();
    const queue = targets.filter((t) => !this.known.has(keyOf(t)) && !this.reading.has(keyOf(t)));
    const readOne = async (t: NamespaceTarget) => {
      try {
        this.known.set(keyOf(t), await this.read(t.readThrough));
      } catch (err) {
        failed.set(keyOf(t), `nsenter -t ${t.readThrough} -u uname -n: ${(err as Error).message}`);
      } finally {
        this.reading.delete(keyOf(t));
      }
    };
    const mine = queue.map((t) => {
      let start!: () => void;
      const started = new Promise<void>((r) => (start = r));
      const done = started.then(() => readOne(t));
      this.reading.set(keyOf(t), done);
      return { start, done };
    });
    // CONCURRENCY workers take the reads in order.
    const workers = Array.from({ length: Math.min(CONCURRENCY, mine.length) }, async (_, w) => {
      for (let i = w; i < mine.length; i += CONCURRENCY) {
        mine[i]!.start();
        await mine[i]!.done;
      }
    });
    const pending = [...workers, ...targets.map((t) => this.reading.get(keyOf(t))).filter((p) => p !== undefined)];
    const all = Promise.all(pending);
    if (Number.isFinite(waitMs)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    } else {
      await all;
    }
    return targets.map((t) => {
      const hostname = this.known.get(keyOf(t));
      if (hostname !== undefined) return { inode: t.inode, readThrough: t.readThrough, hostname, problem: null };
      const problem = failed.get(keyOf(t)) ?? `being read (nsenter -t ${t.readThrough} -u uname -n): shown in a later snapshot`;
      return { inode: t.inode, readThrough: t.readThrough, hostname: null, problem };
    });
  }
}

export function getHostnameCache(): HostnameCache {
  return processSingleton("__podAnatomyHostnames", () => new HostnameCache());
}
