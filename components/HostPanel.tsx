import { NAMESPACE_TYPES, type Snapshot } from "@/lib/model/types";

/** The host's own namespaces (those of PID 1) and what /proc holds: useful even with no engine. */
export default function HostPanel({ snapshot }: { snapshot: Snapshot }) {
  const { host, processes, processesOutsideContainers } = snapshot;
  const inContainers = processes.filter((p) => p.containerId !== null).length;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Host namespaces" data-testid="host-panel">
      <h2 className="text-lg font-semibold">The host&apos;s namespaces</h2>
      <p className="mb-2 text-sm text-slate-600">
        As <code>ls -l /proc/1/ns</code> shows them. /proc lists {processes.length + processesOutsideContainers} processes,{" "}
        {inContainers} of them in containers.
      </p>
      <table className="w-full font-mono text-sm">
        <tbody>
          {NAMESPACE_TYPES.filter((t) => host.namespaces[t] !== undefined).map((t) => (
            <tr key={t} className="border-t border-slate-100">
              <td className="py-1 pr-3">{t}</td>
              <td>
                {t}:[{host.namespaces[t]}]
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
