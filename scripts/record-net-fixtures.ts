/**
 * Record the network-namespace fixtures of test/fixtures/net-* from this machine's kernel:
 * a fake /proc holding, for one namespace, /proc/PID/net/{tcp,tcp6,udp,udp6,route,ipv6_route,
 * fib_trie,if_inet6,dev} of the process it is read through, that process's sysfs
 * (/proc/PID/root/sys/class/net/<if>/{ifindex,iflink,address,operstate}), the fd links of
 * every process in the namespace (as symlinks, targets as the kernel shows them), and the
 * host's interfaces (/proc/<1 or 2>/root/sys/class/net/<if>/{ifindex,iflink} and the `master`
 * link). Needs root.
 *
 *   tsx scripts/record-net-fixtures.ts lo-only              # unshare -n, lo up, nothing else (and the host's sysfs: not this namespace's)
 *   tsx scripts/record-net-fixtures.ts ipv6-only            # unshare -n -m with its own sysfs, a veth eth0 (peer inside) with fd00:77::2/64 only,
 *                                                           # default via fd00:77::1, listeners on tcp6 :8080, udp6 :5353, udp 127.0.0.1:5300
 *   tsx scripts/record-net-fixtures.ts docker-demo <PID>    # the namespace of PID (the demo pod's pause: docker inspect -f '{{.State.Pid}}' NAME-pause)
 *
 * The namespaces made here are those of a process started for the recording and killed
 * after it: nothing is left behind (no bind mount under /run/netns).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const NET_FILES = ["tcp", "tcp6", "udp", "udp6", "route", "ipv6_route", "fib_trie", "if_inet6", "dev"];
const SYSFS_FILES = ["ifindex", "iflink", "address", "operstate"];

function netInode(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

/** The PID the host's namespaces are read through: 1, or 2 where PID 1's links are unreadable. */
function hostPid(): number {
  return netInode(1) !== null ? 1 : 2;
}

function copyFile(from: string, to: string) {
  let text: string;
  try {
    text = fs.readFileSync(from, "utf8");
  } catch {
    return; // absent on this kernel: absent in the fixture
  }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.writeFileSync(to, text);
}

function record(name: string, pid: number) {
  const out = path.join(process.cwd(), "test", "fixtures", `net-${name}`, "proc");
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  for (const f of NET_FILES) copyFile(`/proc/${pid}/net/${f}`, path.join(out, String(pid), "net", f));
  const sys = `/proc/${pid}/root/sys/class/net`;
  for (const iface of fs.readdirSync(sys)) {
    for (const f of SYSFS_FILES) copyFile(`${sys}/${iface}/${f}`, path.join(out, String(pid), "root", "sys", "class", "net", iface, f));
  }
  const inode = netInode(pid);
  const members = fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && netInode(Number(p)) === inode)
    .map(Number);
  for (const member of members) {
    const dir = path.join(out, String(member), "fd");
    fs.mkdirSync(dir, { recursive: true });
    for (const fd of fs.readdirSync(`/proc/${member}/fd`)) {
      try {
        const target = fs.readlinkSync(`/proc/${member}/fd/${fd}`);
        // Files (/dev/null, …) are left out: a symlink to a real path in the repository makes the
        // bundler follow it out of the project. socket:[…], pipe:[…], anon_inode:… dangle harmlessly.
        if (target.startsWith("/")) continue;
        fs.symlinkSync(target, path.join(dir, fd));
      } catch {
        // closed meanwhile
      }
    }
    fs.writeFileSync(path.join(out, String(member), "comm"), fs.readFileSync(`/proc/${member}/comm`, "utf8"));
  }
  const host = hostPid();
  const hostSys = `/proc/${host}/root/sys/class/net`;
  for (const iface of fs.readdirSync(hostSys)) {
    const dir = path.join(out, String(host), "root", "sys", "class", "net", iface);
    for (const f of ["ifindex", "iflink"]) copyFile(`${hostSys}/${iface}/${f}`, path.join(dir, f));
    try {
      fs.symlinkSync(fs.readlinkSync(`${hostSys}/${iface}/master`), path.join(dir, "master"));
    } catch {
      // not enslaved
    }
  }
  console.log(`recorded ${inode} through PID ${pid} (${members.length} processes in it, host PID ${host}) into ${path.dirname(out)}`);
}

/** Run `setup` in a new network namespace, record it through the shell, then kill it and its children. */
async function inNewNamespace(name: string, setup: string, more: string[] = []) {
  const child = spawn("unshare", ["-n", ...more, "--fork", "--kill-child", "sh", "-c", `${setup}\nexec sleep 60`], { stdio: "ignore", detached: true });
  try {
    await new Promise((r) => setTimeout(r, 2500));
    const shell = Number(execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim().split("\n")[0]);
    record(name, shell);
  } finally {
    process.kill(-child.pid!, "SIGKILL");
  }
}

async function main() {
  const [scenario, pidArg] = process.argv.slice(2);
  if (scenario === "lo-only") {
    await inNewNamespace("lo-only", "ip link set lo up");
  } else if (scenario === "ipv6-only") {
    await inNewNamespace(
      "ipv6-only",
      [
        // Its own sysfs (a new mount namespace, private: gone with the process), as a runtime mounts one.
        "mount -t sysfs sysfs /sys",
        "ip link set lo up",
        "ip link add eth0 type veth peer name peer0",
        "ip -6 addr add fd00:77::2/64 dev eth0 nodad",
        "ip link set peer0 up",
        "ip link set eth0 up",
        "ip -6 route add default via fd00:77::1 dev eth0",
        "busybox nc -ll -p 8080 -e true >/dev/null 2>&1 &",
        // busybox's nc has no UDP: python's socket module binds the UDP listeners.
        `python3 -c 'import socket,time; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", 5353)); time.sleep(60)' &`,
        `python3 -c 'import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5300)); time.sleep(60)' &`,
        "sleep 1",
      ].join("\n"),
      ["-m"],
    );
  } else if (scenario === "docker-demo" && pidArg) {
    record("docker-demo", Number(pidArg));
  } else {
    console.error("usage: tsx scripts/record-net-fixtures.ts lo-only | ipv6-only | docker-demo <PID>");
    process.exit(2);
  }
}

void main();
