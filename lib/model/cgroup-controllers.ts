/**
 * What each cgroup controller does, in one line (legend and tooltips), after the kernel's
 * Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst. Pure: constants only.
 */

/** The controllers a pod's limits are made of, in the order the legend shows them. */
export const CGROUP_CONTROLLERS = ["memory", "cpu", "cpuset", "pids", "io", "blkio", "devices", "freezer"] as const;
export type CgroupController = (typeof CGROUP_CONTROLLERS)[number];

export const CGROUP_CONTROLLER_EXPLANATIONS: Record<CgroupController, string> = {
  memory: "caps RAM and swap (memory.max, v1 memory.limit_in_bytes); over the limit the OOM killer picks a process in the group",
  cpu: "shares CPU time by weight (cpu.weight, v1 cpu.shares) and caps it per period (cpu.max, v1 cpu.cfs_quota_us)",
  cpuset: "pins the group to CPUs and memory nodes (cpuset.cpus, cpuset.mems)",
  pids: "caps how many processes and threads the group may have (pids.max): a fork bomb stops there",
  io: "cgroup v2: weights and limits block-device reads and writes (io.weight, io.max)",
  blkio: "cgroup v1: weights and throttles block-device reads and writes (blkio.weight, blkio.throttle.*)",
  devices: "which device nodes the group may open, read, write or mknod (v1 devices.allow; v2 uses an eBPF program)",
  freezer: "stops and resumes every process of the group at once (v1 freezer.state; v2 cgroup.freeze): docker pause",
};

/** The rarer controllers: explained in tooltips, listed in one line of the legend. */
export const OTHER_CGROUP_CONTROLLER_EXPLANATIONS: Record<string, string> = {
  cpuacct: "cgroup v1: accounts the CPU time the group used (cpuacct.usage); v2 folds it into cpu.stat",
  hugetlb: "caps the group's use of huge pages (hugetlb.<size>.max)",
  net_cls: "cgroup v1: tags the group's packets with a class id for tc and iptables",
  net_prio: "cgroup v1: sets the priority of the group's packets per network interface",
  perf_event: "lets perf monitor the group's processes as one",
  rdma: "caps the group's use of RDMA/InfiniBand resources",
  misc: "caps scalar resources such as AMD SEV encryption ids",
};

