/**
 * Challenges: the exercises of the training material, each checked live against the
 * snapshot. A check is a pure function of the snapshot: passed, with the evidence it saw,
 * or not yet, with one sentence telling the learner what to do next.
 *
 * The checks look only at what the kernel and the runtimes say (namespace inodes, cgroup
 * paths and limits, processes, states, exit codes, times, mounts, published ports) — never
 * at Pod Anatomy's labels or at names — so containers a learner made in a terminal, with any
 * names, on any runtime, count. Pure: no I/O.
 */
import { joinedRef, resolveContainerRef } from "./container-ref";
import { isPidNsInit, pidNamespaceInit } from "./pid-namespaces";
import type { Container, Mount, NamespaceType, Process, Snapshot } from "./types";

export type ChallengeStatus = { passed: true; evidence: string } | { passed: false; why: string };

export interface Challenge {
  id: string;
  title: string;
  /** What to build, in one or two sentences. */
  goal: string;
  /** Revealed one at a time, the last one nearly the answer. */
  hints: string[];
  /** What the check reads in the snapshot (and what it cannot see). */
  looksAt: string;
  check(snapshot: Snapshot): ChallengeStatus;
}

/** A challenge and its status, as GET /api/challenges returns it. */
export interface ChallengeResult {
  id: string;
  title: string;
  goal: string;
  hints: string[];
  looksAt: string;
  status: ChallengeStatus;
}

export const MEMORY_64_MIB = 64 * 1024 * 1024;

/** Programs that are PID 1 of a pod and reap the orphans re-parented to them. */
const REAPERS = new Set(["pause", "catatonit", "tini", "docker-init", "dumb-init"]);
/** Programs that do nothing but hold namespaces (a sandbox). */
const IDLE = new Set([...REAPERS, "sleep"]);

const pass = (evidence: string): ChallengeStatus => ({ passed: true, evidence });
const notYet = (why: string): ChallengeStatus => ({ passed: false, why });

function running(s: Snapshot): Container[] {
  return s.containers.filter((c) => c.state === "running" && c.pid !== null);
}

/** The program a process runs: the base name of argv[0], else its comm. */
export function programOf(p: Process): string {
  const argv0 = p.cmdline[0];
  return argv0 ? (argv0.split("/").at(-1) ?? argv0) : p.name;
}

function initProcess(s: Snapshot, c: Container): Process | undefined {
  return s.processes.find((p) => p.pid === c.pid);
}

function programOfContainer(s: Snapshot, c: Container): string | null {
  const p = initProcess(s, c);
  return p ? programOf(p) : null;
}

/** Running containers grouped by their namespace of this type, the host's left out. */
function sharing(s: Snapshot, type: NamespaceType): Map<number, Container[]> {
  const groups = new Map<number, Container[]>();
  for (const c of running(s)) {
    const inode = c.namespaces[type];
    if (inode === undefined || inode === s.host.namespaces[type]) continue;
    groups.set(inode, [...(groups.get(inode) ?? []), c]);
  }
  return groups;
}

const names = (cs: readonly Container[]) => cs.map((c) => c.name).join(", ");

/**
 * The pod-like group a container belongs to, whatever its state: its pod, else the
 * container whose net/ipc/pid namespace it joined (`container:<ref>`), else itself.
 * Exited containers have no namespaces left to compare: their modes still say whom they joined.
 */
function groupOf(c: Container, all: readonly Container[]): string {
  if (c.podId) return c.podId;
  for (const mode of [c.modes.network, c.modes.ipc, c.modes.pid]) {
    const ref = joinedRef(mode);
    const hub = ref ? resolveContainerRef(ref, all) : undefined;
    if (hub) return hub.podId ?? hub.id;
  }
  return c.id;
}

const time = (t: string | null) => (t ? Date.parse(t) : NaN);

/** Exited with code 0, with a finish time: a container that ran to completion. */
function ranToCompletion(c: Container): boolean {
  return c.state === "exited" && c.exitCode === 0 && c.finishedAt !== null && c.startedAt !== null;
}

const shareable = (m: Mount) => m.type !== "tmpfs" && m.source !== "";
const mountKey = (m: Mount) => `${m.type}:${m.source}`;

// ---------------------------------------------------------------------------------------

const sharedNet: Challenge = {
  id: "shared-net",
  title: "Two containers, one network namespace",
  goal: "Run two containers that share one network namespace: the second joins the first's, so both see the same interfaces and the same localhost.",
  hints: [
    "Start the first container and leave it running: docker run -d --name first <image> sleep 1d",
    "docker run has a flag to join another container's network namespace instead of getting a new one.",
    "docker run -d --name second --net container:first <image> sleep 1d",
  ],
  looksAt: "the net namespace inode (/proc/PID/ns/net) of every running container: two equal, not the host's",
  check(s) {
    const live = running(s);
    const group = [...sharing(s, "net").entries()].find(([, cs]) => cs.length >= 2);
    if (group) return pass(`${names(group[1])} are in one net namespace: net:[${group[0]}].`);
    if (live.length === 0) return notYet("No container is running: start one with docker run -d --name first <image> sleep 1d.");
    const own = live.filter((c) => c.namespaces.net !== undefined && c.namespaces.net !== s.host.namespaces.net);
    if (own.length === 1) return notYet(`${own[0]!.name} is alone in its net namespace: start a second container with --net container:${own[0]!.name}.`);
    return notYet(`${names(own) || names(live)} each have a net namespace of their own: start the second with --net container:<first> to join the first's.`);
  },
};

const proxyBlog: Challenge = {
  id: "proxy-blog",
  title: "A blog behind a proxy, over localhost",
  goal: "Build the classic demo pod: a hub publishing a host port to :80, a proxy on :80 forwarding to 127.0.0.1:2368, and a blog on :2368 — proxy and blog in the hub's network namespace, so the proxy reaches the blog over localhost.",
  hints: [
    "Start the hub first, publishing the port: docker run -d --name hub -p 127.0.0.1:8883:80 <pause image>",
    "The proxy and the blog publish nothing themselves: they join the hub's network namespace with --net container:hub.",
    "docker run -d --name blog --net container:hub <ghost image>; docker run -d --name proxy --net container:hub <nginx image>; then curl http://127.0.0.1:8883/",
  ],
  looksAt:
    "a net namespace (not the host's) holding a container that publishes a host port to port 80, and there, in the kernel's listening TCP sockets (/proc/PID/net/tcp, tcp6, their owners from /proc/PID/fd), :80 held by one container (the proxy) and another port by another (the blog). Whether the proxy forwards to the blog is for you to fetch: the page should be the blog's.",
  check(s) {
    const publishers = running(s).filter((c) => c.ports.some((p) => p.containerPort === 80) && c.namespaces.net !== undefined);
    if (publishers.length === 0) return notYet("Nothing publishes a port to :80: start the hub with -p 127.0.0.1:8883:80 (the proxy will listen on :80 in its net namespace).");
    const nameOf = (id: string) => s.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
    let closest: string | null = null;
    for (const hub of publishers) {
      const port = hub.ports.find((p) => p.containerPort === 80)!;
      const net = s.networks.find((n) => n.inode === hub.namespaces.net);
      const members = sharing(s, "net").get(hub.namespaces.net!) ?? [hub];
      const tcp = (net?.listeners ?? []).filter((l) => l.protocol.startsWith("tcp") && l.containerIds.length > 0);
      const proxy = tcp.find((l) => l.port === 80);
      const blog = proxy && tcp.find((l) => l.port !== 80 && l.containerIds.some((id) => !proxy.containerIds.includes(id)));
      if (proxy && blog) {
        const proxyName = nameOf(proxy.containerIds[0]!);
        const blogName = nameOf(blog.containerIds.find((id) => !proxy.containerIds.includes(id))!);
        return pass(
          `${names(members)} share net:[${hub.namespaces.net}]; ${hub.name} publishes ${port.hostIp}:${port.hostPort} → 80, where ${proxyName} listens; ${blogName} listens on :${blog.port}, reachable from it over localhost. Fetch http://localhost:${port.hostPort}/ to see the blog answer.`,
        );
      }
      if (net === undefined) closest ??= `The network namespace of ${hub.name} has not been read yet: wait for the next snapshot.`;
      else if (members.length < 2) closest ??= `${hub.name} publishes :80 but nothing runs in its net namespace yet: start the blog and the proxy with --net container:${hub.name}.`;
      else if (!proxy) closest = `Nothing listens on :80 in ${hub.name}'s net namespace (${names(members)} are there): start the proxy there with --net container:${hub.name}.`;
      else closest = `${nameOf(proxy.containerIds[0]!)} listens on :80 in ${hub.name}'s net namespace, but no other container listens there: start the blog with --net container:${hub.name}.`;
    }
    return notYet(closest!);
  },
};

const pausePid1: Challenge = {
  id: "pause-pid1",
  title: "pause is PID 1 of a shared pid namespace",
  goal: "Make the containers of a pod share one pid namespace whose PID 1 is the pause container (or another init such as catatonit): `ps` in any member then shows /pause as PID 1.",
  hints: [
    "The container that is started first in a new pid namespace is its PID 1: start pause first.",
    "Join its pid namespace with --pid container:<pause>.",
    "docker run -d --name p <pause image>; docker run -d --name app --pid container:p <image> sleep 1d; docker exec app ps",
  ],
  looksAt: "the pid namespace inode of every running container, and which process is PID 1 there (innermost NSpid = 1) and what it runs",
  check(s) {
    const shared = [...sharing(s, "pid").entries()].filter(([, cs]) => cs.length >= 2);
    if (shared.length === 0) return notYet("No two running containers share a pid namespace: start a pause container, then the app with --pid container:<pause>.");
    for (const [inode, cs] of shared) {
      const init = pidNamespaceInit(s, inode);
      if (init && REAPERS.has(programOf(init.process))) {
        return pass(`${names(cs)} share pid:[${inode}], whose PID 1 is ${programOf(init.process)} (host PID ${init.process.pid}) in ${init.container.name}.`);
      }
    }
    const [inode, cs] = shared[0]!;
    const init = pidNamespaceInit(s, inode);
    return notYet(
      init
        ? `${names(cs)} share pid:[${inode}], but its PID 1 is ${programOf(init.process)} in ${init.container.name}, not pause: start the pause container first and join it with --pid container:<pause>.`
        : `${names(cs)} share pid:[${inode}], but its PID 1 was not found: is it still running?`,
    );
  },
};

/** A cgroup parent the runtime chose itself (not a pod's): Docker's, systemd's, Podman's defaults. */
const DEFAULT_PARENTS = new Set(["", "/", "/docker", "/system.slice", "/machine.slice", "/libpod_parent", "/user.slice"]);
const parentOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf("/"), 0));

const memory64: Challenge = {
  id: "memory-64",
  title: "64 MiB, under a pod cgroup",
  goal: "Run a container limited to 64 MiB of memory whose cgroup sits under a pod cgroup of your own, as the kubelet nests containers under kubepods/…/pod<uid>.",
  hints: [
    "docker run has --memory: 64m is 67108864 bytes in memory.limit_in_bytes (v1) or memory.max (v2).",
    "--cgroup-parent puts the container's cgroup under a parent of your choice instead of /docker.",
    "docker run -d --memory 64m --cgroup-parent /pod-mine <image> sleep 1d",
  ],
  looksAt: "each running container's memory limit read from cgroupfs, and the parent directory of its cgroup path",
  check(s) {
    const live = running(s).filter((c) => c.cgroupPath !== null);
    const limited = live.filter((c) => c.limits?.memoryLimit === MEMORY_64_MIB);
    const nested = limited.find((c) => !DEFAULT_PARENTS.has(parentOf(c.cgroupPath!)));
    if (nested) return pass(`${nested.name}'s cgroup ${nested.cgroupPath} has a memory limit of 67108864 bytes (64 MiB), under ${parentOf(nested.cgroupPath!)}.`);
    if (limited[0]) return notYet(`${limited[0].name} is limited to 64 MiB, but its cgroup ${limited[0].cgroupPath} is under the runtime's default ${parentOf(limited[0].cgroupPath!) || "/"}: add --cgroup-parent /pod-mine.`);
    const other = live.find((c) => typeof c.limits?.memoryLimit === "number");
    if (other) return notYet(`${other.name} is limited to ${other.limits!.memoryLimit as number} bytes, not 67108864 (64 MiB): run it with --memory 64m.`);
    return notYet("No running container has a memory limit: run one with --memory 64m --cgroup-parent /pod-mine.");
  },
};

/** Processes of the snapshot in state Z. */
const zombies = (s: Snapshot) => s.processes.filter((p) => p.state.startsWith("Z"));

const zombieReaped: Challenge = {
  id: "zombie-reaped",
  title: "An orphan adopted by pause, who will reap it",
  goal: "In a pod whose PID 1 is pause, make an orphan: a shell in a member starts a sleep in the background and exits. The kernel re-parents the orphan to PID 1 — pause — which reaps it when it exits: no zombie is left.",
  hints: [
    "You need a shared pid namespace whose PID 1 is pause (see 'pause is PID 1').",
    "A process whose parent exits is re-parented to PID 1 of its pid namespace.",
    "docker exec <member> sh -c 'sleep 30 >/dev/null 2>&1 &' — then watch the Processes tab: the sleep's parent is /pause, and when it ends it vanishes instead of turning Z.",
  ],
  looksAt:
    "a process of one container whose parent is PID 1 of its pid namespace in another container, that PID 1 being pause (a reaper), and no zombie in that namespace. One snapshot cannot see the reaping itself: it sees the orphan adopted by a reaper while it lives.",
  check(s) {
    const byPid = new Map(s.processes.map((p) => [p.pid, p]));
    const orphans = s.processes.filter((p) => {
      const parent = byPid.get(p.ppid);
      return parent && isPidNsInit(parent) && parent.containerId !== null && p.containerId !== null && p.containerId !== parent.containerId && !p.state.startsWith("Z");
    });
    const adopted = orphans.find((p) => REAPERS.has(programOf(byPid.get(p.ppid)!)));
    if (adopted) {
      const parent = byPid.get(adopted.ppid)!;
      const left = zombies(s).filter((z) => z.ppid === parent.pid);
      const container = (id: string | null) => s.containers.find((c) => c.id === id)?.name ?? id;
      if (left.length === 0) {
        return pass(`${programOf(adopted)} (host PID ${adopted.pid}) of ${container(adopted.containerId)} was adopted by ${programOf(parent)}, PID 1 in ${container(parent.containerId)}: it reaps its children, and no zombie is left.`);
      }
      return notYet(`${programOf(parent)} has ${left.length} zombie child(ren): is it really a reaper?`);
    }
    const other = orphans[0];
    if (other) return notYet(`${programOf(other)} was adopted by ${programOf(byPid.get(other.ppid)!)}, which is not pause: do this in a pod whose PID 1 is pause.`);
    return notYet("No orphan is adopted by pause: in a member of a pod whose PID 1 is pause, run docker exec <member> sh -c 'sleep 30 >/dev/null 2>&1 &'.");
  },
};

const zombieNotReaped: Challenge = {
  id: "zombie-left",
  title: "A zombie nobody reaps",
  goal: "Share a pid namespace whose PID 1 is not an init that reaps (e.g. `sleep infinity` instead of pause), make an orphan in it, and see it stay a zombie (state Z) after it exits.",
  hints: [
    "Make the hub's PID 1 a program that never calls wait(): docker run -d --name hub <image> sleep infinity",
    "Join its pid namespace with --pid container:hub, then make an orphan there that ends quickly.",
    "docker run -d --name app --pid container:hub <image> sleep 1d; docker exec app sh -c 'sleep 1 >/dev/null 2>&1 &'; wait a second.",
  ],
  looksAt: "processes in state Z whose parent is PID 1 of its pid namespace, and what that PID 1 runs",
  check(s) {
    const byPid = new Map(s.processes.map((p) => [p.pid, p]));
    const all = zombies(s);
    const left = all.find((z) => {
      const parent = byPid.get(z.ppid);
      return parent && isPidNsInit(parent) && !REAPERS.has(programOf(parent));
    });
    if (left) {
      const parent = byPid.get(left.ppid)!;
      return pass(`${left.name} (host PID ${left.pid}) is a zombie (state Z), child of ${programOf(parent)}, PID 1 of its pid namespace, which never reaps it.`);
    }
    const z = all[0];
    if (z) {
      const parent = byPid.get(z.ppid);
      if (parent && isPidNsInit(parent)) return notYet(`${z.name} (host PID ${z.pid}) is a zombie of ${programOf(parent)}, which reaps it in a moment: use a hub whose PID 1 is sleep, not ${programOf(parent)}.`);
      return notYet(`${z.name} (host PID ${z.pid}) is a zombie, but its parent is not PID 1 of a pid namespace: make the orphan in a container that joined the hub's pid namespace.`);
    }
    return notYet("No zombie: in a pid namespace whose PID 1 is sleep (not pause), run docker exec <member> sh -c 'sleep 1 >/dev/null 2>&1 &' and wait a second.");
  },
};

const hostNet: Challenge = {
  id: "host-net",
  title: "A container in the host's network namespace",
  goal: "Run a container that has no network namespace of its own: it uses the host's, like a Pod with hostNetwork: true.",
  hints: ["docker run's --net takes a few special values besides container:<ref>.", "docker run -d --net host <image> sleep 1d"],
  looksAt: "the net namespace inode of every running container, compared with PID 1's (the host's)",
  check(s) {
    if (s.host.namespaces.net === undefined) return notYet("The host's net namespace could not be read, so nothing can be compared with it.");
    const c = running(s).find((x) => x.namespaces.net === s.host.namespaces.net);
    if (c) return pass(`${c.name} is in the host's net namespace net:[${s.host.namespaces.net}].`);
    return notYet("Every running container has a net namespace of its own: start one with --net host.");
  },
};

/** Containers of each group (pod, or the container the others joined), in every state. */
function groups(s: Snapshot): Container[][] {
  const map = new Map<string, Container[]>();
  for (const c of s.containers) {
    const g = groupOf(c, s.containers);
    map.set(g, [...(map.get(g) ?? []), c]);
  }
  return [...map.values()];
}

const initOrder: Challenge = {
  id: "init-order",
  title: "Init containers, in order, before the app",
  goal: "Make a pod with two init containers that run to completion one after the other (exit 0), and only then start the app.",
  hints: [
    "An init container is an ordinary container that exits: docker run without -d waits for it to end.",
    "Join the hub's namespaces with --net container:<hub> so they belong to the pod; run them one after the other, then start the app.",
    "docker run --net container:hub --name init1 <image> true && docker run --net container:hub --name init2 <image> true && docker run -d --net container:hub --name app <image> sleep 1d",
  ],
  looksAt:
    "containers of one pod (the runtime's pod, or the container the others joined with container:<ref>): at least two exited with code 0, each finishing before the next started (the runtime's start and finish times), and a running one started after the last finished",
  check(s) {
    let closest: string | null = null;
    for (const g of groups(s)) {
      const inits = g.filter(ranToCompletion).sort((a, b) => time(a.startedAt) - time(b.startedAt));
      const apps = g.filter((c) => c.state === "running" && c.startedAt !== null && !IDLE.has(programOfContainer(s, c) ?? ""));
      if (inits.length === 0) continue;
      const overlap = inits.findIndex((c, i) => i > 0 && time(inits[i - 1]!.finishedAt) > time(c.startedAt));
      if (overlap > 0) {
        closest = `${inits[overlap]!.name} started before ${inits[overlap - 1]!.name} had finished: run the init containers one after the other (without -d).`;
        continue;
      }
      const last = inits.at(-1)!;
      const app = apps.find((a) => time(a.startedAt) >= time(last.finishedAt));
      if (inits.length >= 2 && app) {
        return pass(`${names(inits)} exited 0, one after the other; ${app.name} started after ${last.name} finished (${last.finishedAt} → ${app.startedAt}).`);
      }
      if (inits.length < 2) closest ??= `${inits[0]!.name} ran to completion: run a second init container in the same pod after it, then the app.`;
      else if (apps.length > 0) closest ??= `${names(apps)} started before ${last.name} finished: start the app only after the init containers are done.`;
      else closest ??= `${names(inits)} ran in order: now start the app in the same pod (e.g. --net container:<hub>).`;
    }
    const failed = s.containers.find((c) => c.state === "exited" && c.exitCode !== null && c.exitCode !== 0);
    if (closest) return notYet(closest);
    if (failed) return notYet(`${failed.name} exited with code ${failed.exitCode}: an init container must exit 0.`);
    return notYet("No container of a pod has run to completion: run an init container with docker run --net container:<hub> <image> true (no -d).");
  },
};

const emptyDir: Challenge = {
  id: "empty-dir",
  title: "An emptyDir shared by an init container and the app",
  goal: "An init container writes a file into a volume and exits; the app, started after it, mounts the same volume and serves or reads that file — like an emptyDir volume in a Pod.",
  hints: [
    "A named volume (docker volume create, or just -v name:/path) can be mounted in several containers.",
    "The init container writes, exits 0; then the app mounts the same volume.",
    "docker run -v shared:/work <image> sh -c 'echo hi > /work/index.html' && docker run -d -v shared:/www <image> httpd -f -h /www",
  ],
  looksAt:
    "the mounts the runtime reports: the same volume (or host path) in a container that exited 0 and in a running container started after it finished. Docker reports mounts; a runtime that does not, cannot pass this check.",
  check(s) {
    const inits = s.containers.filter(ranToCompletion);
    const apps = running(s).filter((c) => c.startedAt !== null);
    for (const init of inits) {
      for (const m of init.mounts.filter(shareable)) {
        const app = apps.find((a) => a.mounts.some((n) => mountKey(n) === mountKey(m)) && time(a.startedAt) >= time(init.finishedAt));
        if (app) {
          const there = app.mounts.find((n) => mountKey(n) === mountKey(m))!;
          return pass(`${init.name} (exited 0) and ${app.name} (running, started after it) mount the same ${m.type} ${m.source.slice(0, 24)}: at ${m.destination} and ${there.destination}.`);
        }
      }
    }
    const withVolume = inits.find((c) => c.mounts.some(shareable));
    if (withVolume) return notYet(`${withVolume.name} ran to completion with a volume at ${withVolume.mounts.find(shareable)!.destination}: now start the app mounting the same volume.`);
    if (inits[0]) return notYet(`${inits[0].name} ran to completion but mounted no volume: give it one with -v shared:/work.`);
    const mounting = running(s).find((c) => c.mounts.some(shareable));
    if (mounting) return notYet(`${mounting.name} mounts a volume, but no container that exited 0 used it before: run the init container first, with the same volume.`);
    return notYet("No container has run to completion with a volume: docker run -v shared:/work <image> sh -c 'echo hi > /work/index.html'.");
  },
};

export const CHALLENGES: readonly Challenge[] = [sharedNet, proxyBlog, pausePid1, memory64, zombieReaped, zombieNotReaped, hostNet, initOrder, emptyDir];

/** Every challenge with its status against this snapshot. */
export function checkChallenges(snapshot: Snapshot, challenges: readonly Challenge[] = CHALLENGES): ChallengeResult[] {
  return challenges.map(({ check, ...c }) => ({ ...c, status: check(snapshot) }));
}

/**
 * Only the containers carrying label `key=value` (and their processes, pods, namespaces):
 * a room shared by many learners checks each one's own containers (`docker run -l
 * student=ana …`), and a test checks only what it made.
 */
export function scopeToLabel(snapshot: Snapshot, key: string, value: string): Snapshot {
  const containers = snapshot.containers.filter((c) => c.labels[key] === value);
  const ids = new Set(containers.map((c) => c.id));
  const pids = new Set(containers.flatMap((c) => c.processIds));
  return {
    ...snapshot,
    containers,
    processes: snapshot.processes.filter((p) => pids.has(p.pid) || (p.containerId !== null && ids.has(p.containerId))),
    pods: snapshot.pods.filter((p) => ids.has(p.sandboxId)).map((p) => ({ ...p, memberIds: p.memberIds.filter((id) => ids.has(id)) })),
    namespaces: snapshot.namespaces.map((ns) => ({ ...ns, containerIds: ns.containerIds.filter((id) => ids.has(id)) })).filter((ns) => ns.containerIds.length > 0),
    links: snapshot.links.filter((l) => ids.has(l.sandboxId) && ids.has(l.memberId)),
    cgroups: snapshot.cgroups,
  };
}
