"use client";

/**
 * The namespace matrix: one row per container (grouped by pod, sandbox first, then the
 * standalone containers), one column per namespace type. Each cell says whether the
 * container's namespace of that type (readlink /proc/PID/ns/TYPE of its init process) is
 * the sandbox's, its own, or the host's, in words and in colour; the inode is in the cell
 * and on hover. The host's own inodes head the table, for comparison.
 */
import { NAMESPACE_EXPLANATIONS, NAMESPACE_TYPES, type Container, type NamespaceType, type Snapshot } from "@/lib/model/types";
import { NAMESPACE_COLORS } from "@/lib/view/namespace-colors";
import { groupContainersByPod, type ContainerGroup } from "@/lib/view/process-tree";

type CellKind = "shared" | "own" | "host" | "absent";

const KINDS: Record<CellKind, { label: string; className: string; legend: string }> = {
  shared: { label: "shared with sandbox", className: "bg-sky-100 text-sky-950 ring-sky-600", legend: "same inode as the pod's sandbox (pause)" },
  own: { label: "own", className: "bg-amber-50 text-amber-950 ring-amber-500", legend: "neither the sandbox's nor the host's" },
  host: { label: "host", className: "bg-slate-700 text-white ring-slate-900", legend: "the host's own namespace (the host row)" },
  absent: { label: "not read", className: "bg-white text-slate-600 ring-slate-300", legend: "not running, unreadable, or a type this kernel lacks" },
};

function cellKind(container: Container, type: NamespaceType): CellKind {
  if (container.namespaces[type] === undefined) return "absent";
  if (container.sharedWithHost.includes(type)) return "host";
  if (container.sharedWithSandbox.includes(type)) return "shared";
  return "own";
}

export function NamespaceMatrix({ snapshot }: { snapshot: Snapshot }) {
  const groups = groupContainersByPod(snapshot);
  const { host } = snapshot;
  return (
    <div data-testid="ns-matrix" data-export-view="Namespace matrix" className="flex flex-col gap-4 text-[15px] text-slate-900">
      <header>
        <h2 className="text-xl font-bold">Namespace matrix</h2>
        <p className="text-slate-700">
          Each cell is <code className="font-mono">readlink /proc/PID/ns/TYPE</code> of the container&apos;s init process: equal inodes
          are the same namespace. Hover a column for what it isolates, a cell for its inode.
        </p>
      </header>
      <ul className="flex flex-wrap gap-x-5 gap-y-2" aria-label="Cell kinds">
        {(Object.keys(KINDS) as CellKind[]).map((kind) => (
          <li key={kind} className="flex items-center gap-2">
            <span className={`rounded px-2 py-0.5 font-semibold ring-1 ${KINDS[kind].className}`}>{KINDS[kind].label}</span>
            <span className="text-slate-700">{KINDS[kind].legend}</span>
          </li>
        ))}
      </ul>
      {groups.length === 0 ? (
        <p className="text-lg text-slate-700">No containers: start a sample pod, or run a container on this engine.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[72rem] table-fixed border-separate border-spacing-1 text-left">
            <colgroup>
              <col className="w-64" />
              {NAMESPACE_TYPES.map((type) => (
                <col key={type} />
              ))}
            </colgroup>
            <thead>
              <tr>
                <th scope="col" className="px-2 py-1 align-bottom text-sm font-semibold text-slate-600">
                  Container
                </th>
                {NAMESPACE_TYPES.map((type, i) => (
                  <ColumnHeader key={type} type={type} alignRight={i >= NAMESPACE_TYPES.length - 2} />
                ))}
              </tr>
            </thead>
            <tbody>
              <tr data-testid="ns-matrix-host">
                <th scope="row" className="px-2 py-1.5 text-left align-middle">
                  <span className="block font-bold">host</span>
                  <span className="block text-sm font-normal text-slate-600">
                    /proc/{host.namespacesFrom}/ns{host.namespacesFrom === 1 ? "" : " (PID 1's are unreadable)"}
                  </span>
                </th>
                {NAMESPACE_TYPES.map((type) => {
                  const inode = host.namespaces[type];
                  return (
                    <td
                      key={type}
                      data-ns={type}
                      data-inode={inode}
                      title={inode === undefined ? `${type}: not read` : `${type}:[${inode}]`}
                      className="rounded border border-dashed border-slate-400 px-2 py-1.5 align-middle font-mono text-sm text-slate-700"
                    >
                      {inode ?? "not read"}
                    </td>
                  );
                })}
              </tr>
              {groups.map((group, i) => (
                <Group key={group.key} group={group} snapshot={snapshot} heading={group.pod !== null || groups[i - 1]?.pod !== null} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** A namespace type, with what it isolates as a tooltip shown on hover and on keyboard focus. */
function ColumnHeader({ type, alignRight }: { type: NamespaceType; alignRight: boolean }) {
  const tipId = `ns-matrix-tip-${type}`;
  return (
    <th scope="col" data-ns={type} className="px-1 py-1 align-bottom">
      <span tabIndex={0} aria-describedby={tipId} title={NAMESPACE_EXPLANATIONS[type]} className="group relative inline-block cursor-help rounded outline-none focus-visible:ring-2 focus-visible:ring-sky-600">
        <span className="inline-block rounded px-2 py-0.5 font-mono text-base font-bold" style={{ color: NAMESPACE_COLORS[type].text, backgroundColor: NAMESPACE_COLORS[type].tint }}>
          {type}
        </span>
        <span
          id={tipId}
          role="tooltip"
          className={`invisible absolute top-full z-20 mt-1 w-64 rounded-md border border-slate-300 bg-white p-2 text-left text-sm font-normal text-slate-800 shadow-lg group-hover:visible group-focus-visible:visible ${
            alignRight ? "right-0" : "left-0"
          }`}
        >
          <strong className="font-mono">{type}</strong> isolates {NAMESPACE_EXPLANATIONS[type]}
        </span>
      </span>
    </th>
  );
}

/** A pod's rows under its name; standalone containers share one heading (`heading` is false after the first). */
function Group({ group, snapshot, heading }: { group: ContainerGroup; snapshot: Snapshot; heading: boolean }) {
  const members = group.containers.filter((c) => c.role === "member");
  return (
    <>
      {heading && (
        <tr>
          <th scope="rowgroup" colSpan={NAMESPACE_TYPES.length + 1} className="px-2 pt-4 pb-1 text-left text-lg font-bold text-slate-800">
            {group.pod ? (
              <>
                <span className="font-semibold text-slate-500">pod </span>
                {group.name}
              </>
            ) : (
              <span className="font-semibold text-slate-500">standalone containers</span>
            )}
          </th>
        </tr>
      )}
      {group.containers.map((container) => (
        <tr key={container.id} data-container={container.id}>
          <th scope="row" className="px-2 py-1.5 text-left align-middle">
            <span className="block font-bold wrap-break-word">{container.name}</span>
            <span className="block text-sm font-normal text-slate-600">
              {container.role}
              {container.state !== "running" && <span className="text-rose-700"> · {container.state}</span>}
            </span>
          </th>
          {NAMESPACE_TYPES.map((type) => (
            <Cell key={type} container={container} type={type} joinedBy={container.role === "sandbox" ? members.filter((m) => m.sharedWithSandbox.includes(type)).length : 0} snapshot={snapshot} />
          ))}
        </tr>
      ))}
    </>
  );
}

function Cell({ container, type, joinedBy, snapshot }: { container: Container; type: NamespaceType; joinedBy: number; snapshot: Snapshot }) {
  const kind = cellKind(container, type);
  const inode = container.namespaces[type];
  const id = `${type}:[${inode}]`;
  const others = snapshot.namespaces.find((n) => n.id === id)?.containerIds.filter((cid) => cid !== container.id).length ?? 0;
  const title =
    inode === undefined
      ? `${type} of ${container.name}: not read (${container.pid === null ? "not running" : "unreadable, or this kernel has no such namespace"})`
      : `${id} — /proc/${container.pid}/ns/${type} of ${container.name}${others > 0 ? `, shared with ${others} other container(s)` : ""}`;
  return (
    <td
      data-container={container.id}
      data-ns={type}
      data-kind={kind}
      data-inode={inode}
      title={title}
      className={`rounded px-2 py-1.5 align-middle ring-1 ring-inset ${KINDS[kind].className}`}
    >
      <span className="block font-semibold leading-tight">{KINDS[kind].label}</span>
      {joinedBy > 0 && <span className="block text-sm leading-tight">joined by {joinedBy}</span>}
      {inode !== undefined && <span className="block font-mono text-sm leading-tight opacity-80">{inode}</span>}
    </td>
  );
}

export default NamespaceMatrix;
