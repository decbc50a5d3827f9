/**
 * Who listens on a TCP port, from the kernel's socket tables (/proc/net/tcp, tcp6) and the
 * processes' file descriptors. Used by the load script (to find the server's PID) and by the
 * bind test (to see which address the server listens on). Linux only; no dependencies.
 */
import fs from "node:fs";

/** IPv4 address from /proc/net/tcp's little-endian hex. */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
}

/** IPv6 address from /proc/net/tcp6's hex: four 32-bit words, each little-endian (not compressed). */
function ipv6(hex: string): string {
  const bytes = [0, 1, 2, 3].flatMap((w) => [3, 2, 1, 0].map((b) => hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2)));
  return [0, 2, 4, 6, 8, 10, 12, 14].map((i) => parseInt(bytes[i]! + bytes[i + 1]!, 16).toString(16)).join(":");
}

export interface ListeningSocket {
  address: string;
  inode: number;
}

/** The LISTEN sockets on `port` in this network namespace: local address and socket inode. */
export function listeningSockets(port: number, procRoot = "/proc"): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  for (const [file, decode] of [["net/tcp", ipv4], ["net/tcp6", ipv6]] as const) {
    let text = "";
    try {
      text = fs.readFileSync(`${procRoot}/${file}`, "utf8");
    } catch {
      continue; // no IPv6 on this kernel
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue; // 0A = LISTEN
      const [addr, p] = f[1]!.split(":");
      if (parseInt(p!, 16) === port) found.push({ address: decode(addr!), inode: Number(f[9]) });
    }
  }
  return found;
}

/** PIDs of the processes holding a LISTEN socket on `port` (readable only for our own processes, or as root). */
export function pidsListeningOn(port: number, procRoot = "/proc"): number[] {
  const inodes = new Set(listeningSockets(port, procRoot).map((s) => `socket:[${s.inode}]`));
  const pids: number[] = [];
  for (const pid of fs.readdirSync(procRoot).filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readdirSync(`${procRoot}/${pid}/fd`).some((fd) => inodes.has(fs.readlinkSync(`${procRoot}/${pid}/fd/${fd}`)))) pids.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
