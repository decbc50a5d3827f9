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

type Cached = Pick<UtsHostname, "hostname" | "problem">;

export class HostnameCache {
  private readonly byInode = new Map<number, Promise<Cached>>();

  constructor(private readonly read: HostnameReader = nsenterUname) {}

  /** The hostname of each target's namespace: cached ones at once, the others read (CONCURRENCY at a time). */
  async hostnames(targets: readonly NamespaceTarget[]): Promise<UtsHostname[]> {
    const wanted = new Set(targets.map((t) => t.inode));
    for (const inode of this.byInode.keys()) if (!wanted.has(inode)) this.byInode.delete(inode);
    const queue = targets.filter((t) => !this.byInode.has(t.inode));
    const answers = new Map<number, Promise<Cached>>();
    for (const t of targets) {
      const cached = this.byInode.get(t.inode);
      if (cached) answers.set(t.inode, cached);
    }
    const worker = async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
        const target = t;
        const answer = this.read(target.readThrough).then(
          (hostname): Cached => ({ hostname, problem: null }),
          (err: unknown): Cached => ({ hostname: null, problem: `nsenter -t ${target.readThrough} -u uname -n: ${(err as Error).message}` }),
        );
        answers.set(target.inode, answer);
        this.byInode.set(target.inode, answer);
        if ((await answer).hostname === null) this.byInode.delete(target.inode); // tried again next time
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    return Promise.all(targets.map(async (t) => ({ inode: t.inode, readThrough: t.readThrough, ...(await answers.get(t.inode)!) })));
  }
}

export function getHostnameCache(): HostnameCache {
  return processSingleton("__podAnatomyHostnames", () => new HostnameCache());
}
