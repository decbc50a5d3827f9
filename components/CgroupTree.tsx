"use client";

/**
 * The cgroup tree: from each pod's parent cgroup down to its containers' cgroups and the
 * processes in them, each cgroup with its memory usage against its limit, its CPU quota and
 * its pids. d3-hierarchy places it (lib/view/cgroup-tree-layout.ts); React renders every
 * SVG element, drawn 1:1 (the panel scrolls) so the text stays legible on a projector.
 */
import { useMemo } from "react";
import type { CgroupLimits, CgroupNode, Container, Pod, Snapshot } from "@/lib/model/types";
import { CGROUP_TREE_SIZES, layoutCgroupTree, type CgroupTreeNodeLayout } from "@/lib/view/cgroup-tree-layout";
import { shortenIds } from "@/lib/view/export";
import {
  formatBytes,
  formatCommand,
  formatCpuQuota,
  formatLimit,
  formatProcessState,
  truncateEnd,
  truncateStart,
  usageFraction,
} from "@/lib/view/format";
import { isPidNsInit } from "@/lib/model/pid-namespaces";

export function CgroupTree({ snapshot }: { snapshot: Snapshot }) {
  const layout = useMemo(() => layoutCgroupTree(snapshot), [snapshot]);
  const pods = useMemo(() => new Map(snapshot.pods.map((p) => [p.id, p])), [snapshot.pods]);
  const running = snapshot.containers.filter((c) => c.state === "running");
  const inTree = new Set(snapshot.cgroups.flatMap((c) => (c.containerId === null ? [] : [c.containerId])));
  const missing = running.filter((c) => !inTree.has(c.id));

  return (
    <div data-testid="cgroup-tree" className="flex flex-col gap-4 text-[15px] text-slate-900">
      <header>
        <h2 className="text-xl font-bold">Cgroup tree</h2>
        <p className="text-slate-700">
          From each pod&apos;s parent cgroup down to its containers and their processes ({snapshot.host.cgroupVersion === "v2" ? "cgroup v2" : `cgroup ${snapshot.host.cgroupVersion}`},
          memory hierarchy on v1). The bar is memory usage against the limit; hover a cgroup for the files its values were read from.
        </p>
      </header>
      {layout.nodes.length === 0 ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950">
          No cgroup data in this snapshot: the server reported no cgroup tree{running.length === 0 ? " (and no container is running)" : ""}.
        </p>
      ) : (
        <div className="overflow-auto">
          <svg
            width={layout.width}
            height={layout.height}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            data-export-view="Cgroup tree"
            role="img"
            aria-label="Cgroup tree: pod cgroups, container cgroups and their processes, with memory, CPU and pids limits"
            className="font-sans"
          >
            {layout.edges.map((edge) => (
              <path key={edge.key} d={edge.d} fill="none" stroke="#94a3b8" strokeWidth={2.5} />
            ))}
            {layout.nodes.map((node) => (
              <TreeNode key={node.key} node={node} pods={pods} />
            ))}
          </svg>
        </div>
      )}
      {missing.length > 0 && (
        <ul className="flex flex-col gap-1 text-slate-700" aria-label="Containers without cgroup data">
          {missing.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong>: no cgroup data for this container
              {c.cgroupPath && (
                <>
                  {" "}
                  (its cgroup is <code className="font-mono">{shortenIds(c.cgroupPath, "short")}</code>)
                </>
              )}
              .
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TreeNode({ node, pods }: { node: CgroupTreeNodeLayout; pods: Map<string, Pod> }) {
  switch (node.kind) {
    case "cgroup":
      return <CgroupCard node={node} pods={pods} />;
    case "process": {
      const p = node.process;
      const zombie = p?.state === "Z";
      return (
        <g data-pid={node.pid} transform={`translate(${node.x},${node.y})`}>
          <title>{p ? `host PID ${p.pid}, PID ${p.nspid.join(" → ")}: ${formatCommand(p)}` : `PID ${node.pid}: in cgroup.procs, not in the /proc scan`}</title>
          <rect width={node.width} height={node.height} rx={8} fill={zombie ? "#fff1f2" : "#ffffff"} stroke={zombie ? "#be123c" : "#94a3b8"} strokeWidth={zombie ? 2.5 : 1.5} />
          <text x={14} y={node.height / 2} dy="0.35em" className="text-[16px]">
            <tspan className="fill-slate-900 font-mono font-bold">{node.pid}</tspan>
            {p ? (
              <>
                <tspan className="fill-slate-800 font-mono"> {truncateEnd(formatCommand(p), zombie ? 18 : 28)}</tspan>
                {zombie && <tspan className="fill-rose-700 font-bold"> {formatProcessState("Z")}</tspan>}
                {!zombie && isPidNsInit(p) && <tspan className="fill-indigo-700 font-bold"> PID 1</tspan>}
              </>
            ) : (
              <tspan className="fill-slate-600"> not in the /proc scan</tspan>
            )}
          </text>
        </g>
      );
    }
    case "more":
      return (
        <g transform={`translate(${node.x},${node.y})`}>
          <rect width={node.width} height={node.height} rx={8} fill="#f8fafc" stroke="#cbd5e1" strokeDasharray="6 4" />
          <text x={14} y={node.height / 2} dy="0.35em" className="fill-slate-700 text-[16px]">
            … and {node.count} more process{node.count === 1 ? "" : "es"}
          </text>
        </g>
      );
  }
}

const PAD = 16;
const BAR_WIDTH = CGROUP_TREE_SIZES.cgroupWidth - 2 * PAD;

function CgroupCard({ node, pods }: { node: Extract<CgroupTreeNodeLayout, { kind: "cgroup" }>; pods: Map<string, Pod> }) {
  const { cgroup, container, pod } = node;
  const kind = pod ? "pod" : container ? "container" : "parent";
  const style = {
    pod: { fill: "#eef2ff", stroke: "#4338ca", dash: undefined },
    container: { fill: "#ffffff", stroke: "#475569", dash: undefined },
    parent: { fill: "#f8fafc", stroke: "#94a3b8", dash: "8 6" },
  }[kind];
  const leaf = cgroup.path.split("/").filter(Boolean).pop() ?? "/";
  const title = pod ? `pod ${pod.name}` : container ? container.name : shortenIds(leaf, "short");
  const memberOf = container?.podId ? pods.get(container.podId) : undefined;
  const qos = cgroup.qos ? ` · QoS ${cgroup.qos}` : "";
  const subtitle = pod
    ? `the pod's cgroup: its containers' parent${qos}`
    : container
      ? memberOf
        ? `${container.role} of pod ${memberOf.name}`
        : "standalone container"
      : `parent cgroup${qos}`;
  return (
    <g data-cgroup={cgroup.path} data-container={cgroup.containerId ?? undefined} transform={`translate(${node.x},${node.y})`}>
      <title>{tooltip(cgroup, container)}</title>
      <rect width={node.width} height={node.height} rx={10} fill={style.fill} stroke={style.stroke} strokeWidth={kind === "parent" ? 2 : 2.5} strokeDasharray={style.dash} />
      <text x={PAD} y={28} className="fill-slate-900 text-[18px] font-bold">
        {truncateEnd(title, 34)}
      </text>
      <text x={PAD} y={51} className="fill-slate-600 text-[15px]">
        {truncateEnd(subtitle, 46)}
      </text>
      <text x={PAD} y={73} className="fill-slate-600 font-mono text-[14px]">
        {truncateStart(shortenIds(cgroup.path, "short"), 44)}
      </text>
      {cgroup.limits ? (
        <Limits limits={cgroup.limits} />
      ) : (
        <text x={PAD} y={120} className="fill-slate-700 text-[15px]">
          {container ? "no cgroup data for this container" : "limits not read for this cgroup"}
        </text>
      )}
    </g>
  );
}

function Limits({ limits }: { limits: CgroupLimits }) {
  const fraction = usageFraction(limits.memoryUsage, limits.memoryLimit);
  const limit = formatLimit(limits.memoryLimit, formatBytes);
  const usage = limits.memoryUsage === null ? null : formatBytes(limits.memoryUsage);
  const memory =
    limit === null && usage === null
      ? "not read"
      : limit === "unlimited"
        ? `${usage ?? "usage not read"} · no limit`
        : `${usage ?? "usage not read"} of ${limit ?? "limit not read"}${fraction === null ? "" : ` (${Math.round(fraction * 100)}%)`}`;
  const barColor = fraction === null ? "#94a3b8" : fraction >= 0.9 ? "#be123c" : fraction >= 0.7 ? "#b45309" : "#0369a1";

  const cpu = formatCpuQuota(limits.cpuQuotaUs, limits.cpuPeriodUs);
  const weight = limits.cpuShares !== null ? `shares ${limits.cpuShares}` : limits.cpuWeight !== null ? `weight ${limits.cpuWeight}` : null;
  const cpuText = [cpu === null ? "quota not read" : cpu === "unlimited" ? "no quota" : cpu, weight].filter(Boolean).join(" · ");

  const pidsMax = formatLimit(limits.pidsMax);
  const current = limits.pidsCurrent === null ? "current not read" : String(limits.pidsCurrent);
  const pids =
    limits.pidsCurrent === null && pidsMax === null ? "not read" : pidsMax === "unlimited" ? `${current} · no limit` : `${current} of ${pidsMax ?? "limit not read"}`;

  return (
    <>
      <text x={PAD} y={100} className="text-[15px]">
        <tspan className="fill-slate-600 font-semibold">memory </tspan>
        <tspan className="fill-slate-900">{memory}</tspan>
      </text>
      <rect x={PAD} y={108} width={BAR_WIDTH} height={14} rx={7} fill="#e2e8f0" stroke="#cbd5e1" strokeDasharray={fraction === null ? "4 3" : undefined} />
      {fraction !== null && <rect x={PAD} y={108} width={Math.max(fraction * BAR_WIDTH, 3)} height={14} rx={7} fill={barColor} />}
      <text x={PAD} y={148} className="text-[15px]">
        <tspan className="fill-slate-600 font-semibold">CPU </tspan>
        <tspan className="fill-slate-900">{cpuText}</tspan>
      </text>
      <text x={PAD} y={174} className="text-[15px]">
        <tspan className="fill-slate-600 font-semibold">pids </tspan>
        <tspan className="fill-slate-900">{pids}</tspan>
        {limits.cpusetCpus !== null && (
          <>
            <tspan className="fill-slate-600 font-semibold"> · cpus </tspan>
            <tspan className="fill-slate-900">{limits.cpusetCpus}</tspan>
          </>
        )}
      </text>
    </>
  );
}

function tooltip(cgroup: CgroupNode, container: Container | null): string {
  const lines = [cgroup.path];
  if (container) lines.push(`container ${container.name} (${container.id.slice(0, 12)})`);
  if (cgroup.podUid) lines.push(`Kubernetes pod uid ${cgroup.podUid}${cgroup.qos ? `, QoS ${cgroup.qos}` : ""}`);
  if (cgroup.limits === null) lines.push("limits: not read");
  else if (cgroup.limits.sources.length > 0) lines.push("read from:", ...cgroup.limits.sources);
  return lines.join("\n");
}

export default CgroupTree;
