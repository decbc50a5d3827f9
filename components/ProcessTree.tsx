"use client";

/**
 * The processes of each pod as a tree (lib/view/process-tree.ts builds it): host PID, the
 * NSpid chain (the PID as seen in each nested pid namespace, outermost first), PPID,
 * state, uid and command. PID 1 of each pid namespace is marked; zombies stand out.
 */
import { useMemo } from "react";
import type { Snapshot } from "@/lib/model/types";
import { formatCommand, formatNspidChain, formatProcessState } from "@/lib/view/format";
import { buildProcessForests, flattenProcessForest, type ProcessForest } from "@/lib/view/process-tree";

export function ProcessTree({ snapshot }: { snapshot: Snapshot }) {
  const forests = useMemo(() => buildProcessForests(snapshot), [snapshot]);
  return (
    <div data-testid="process-tree" data-export-view="Processes" className="flex flex-col gap-6 text-[15px] text-slate-900">
      <header>
        <h2 className="text-xl font-bold">Processes</h2>
        <p className="text-slate-700">
          Each pod&apos;s processes as a tree (by parent PID), read from <code className="font-mono">/proc/PID/status</code>. The NSpid
          chain is the same process&apos;s PID in each pid namespace, the host&apos;s first: <code className="font-mono">18126 → 7</code> is
          PID 7 inside the pod.
        </p>
      </header>
      {forests.length === 0 ? (
        <p className="text-lg text-slate-700">No containers: start a sample pod, or run a container on this engine.</p>
      ) : (
        forests.map((forest) => <Forest key={forest.group.key} forest={forest} />)
      )}
    </div>
  );
}

function Forest({ forest }: { forest: ProcessForest }) {
  const { group } = forest;
  const rows = flattenProcessForest(forest.roots);
  const containers = new Map(group.containers.map((c) => [c.id, c]));
  const pidNamespaces = new Set(rows.map((r) => r.node.process.pidNs).filter((ns) => ns !== null));
  return (
    <section data-group={group.name} aria-label={group.pod ? `Processes of pod ${group.name}` : `Processes of container ${group.name}`}>
      <h3 className="mb-2 flex flex-wrap items-baseline gap-x-3 text-lg font-bold">
        <span>
          <span className="font-semibold text-slate-500">{group.pod ? "pod " : "standalone container "}</span>
          {group.name}
        </span>
        <span className="text-sm font-normal text-slate-600">
          {forest.count} process{forest.count === 1 ? "" : "es"}
          {pidNamespaces.size > 0 && ` in ${pidNamespaces.size} pid namespace${pidNamespaces.size === 1 ? "" : "s"}`}
        </span>
      </h3>
      {rows.length === 0 ? (
        <p className="text-slate-700">No processes: {group.containers.length === 1 ? "the container is" : "its containers are"} not running, or /proc could not be read.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[72rem] table-fixed border-collapse text-left [&_td]:border-t [&_td]:border-slate-200 [&_td]:px-2 [&_td]:py-1.5 [&_td]:align-middle [&_th]:px-2 [&_th]:py-1.5 [&_th]:whitespace-nowrap">
            {/* Fixed widths: the columns of every pod's table line up. */}
            <colgroup>
              <col className="w-32" />
              <col className="w-[22rem]" />
              <col className="w-24" />
              <col className="w-36" />
              <col className="w-28" />
              <col className="w-64" />
              <col />
            </colgroup>
            <thead className="text-sm font-semibold text-slate-600">
              <tr>
                <th scope="col">Host PID</th>
                <th scope="col">NSpid</th>
                <th scope="col">PPID</th>
                <th scope="col">State</th>
                <th scope="col">UID</th>
                <th scope="col">Container</th>
                <th scope="col">Command</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ node, depth }) => {
                const p = node.process;
                return (
                  <tr
                    key={p.pid}
                    data-pid={p.pid}
                    data-state={p.state}
                    data-pid-ns-init={node.isPidNsInit || undefined}
                    className={node.isZombie ? "bg-rose-50" : node.isPidNsInit ? "bg-indigo-50" : undefined}
                  >
                    <td className="font-mono font-bold whitespace-nowrap" style={{ paddingLeft: `${0.5 + depth * 1.5}rem` }}>
                      {depth > 0 && (
                        <span aria-hidden className="mr-1 text-slate-400">
                          └
                        </span>
                      )}
                      {p.pid}
                    </td>
                    <td>
                      <span className="font-mono whitespace-nowrap">{formatNspidChain(p.nspid, p.pid)}</span>
                      {node.isPidNsInit && (
                        <span className="ml-2 inline-block rounded bg-indigo-700 px-1.5 text-sm font-bold whitespace-nowrap text-white">
                          PID 1 of its pid namespace
                        </span>
                      )}
                    </td>
                    <td className="font-mono">{p.ppid}</td>
                    <td className="whitespace-nowrap">
                      {node.isZombie ? (
                        <span className="rounded bg-rose-700 px-1.5 font-bold text-white">{formatProcessState(p.state)}</span>
                      ) : (
                        formatProcessState(p.state)
                      )}
                    </td>
                    <td className="font-mono">{p.uid === 0 ? "0 (root)" : p.uid}</td>
                    <td className="wrap-break-word">{p.containerId === null ? null : containers.get(p.containerId)?.name}</td>
                    <td className="font-mono break-all">{formatCommand(p)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default ProcessTree;
