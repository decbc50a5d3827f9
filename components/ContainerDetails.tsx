"use client";

/**
 * The details of one container: what it is, its namespaces as `ls -l /proc/PID/ns` shows
 * them and who else is in each, its processes, and its cgroups.
 */
import type { ReactNode } from "react";
import { NamespaceChip } from "@/components/NamespaceLegend";
import { pidNamespaceInit } from "@/lib/model/pid-namespaces";
import type { Container, Process, Snapshot } from "@/lib/model/types";
import { IMAGE_SOURCE_MARKERS, NAMESPACE_ORDER } from "@/lib/view/namespace-colors";
import {
  addressSource,
  defaultRouteLines,
  hostnameOf,
  hostnameSource,
  hostSysfs,
  listenerSource,
  networkOf,
  publishedPortLabel,
  publishedPortSource,
  socketAddress,
  vethLines,
} from "@/lib/view/pod-network";

export interface ContainerDetailsProps {
  snapshot: Snapshot;
  containerId: string;
  onClose: () => void;
}

export function ContainerDetails({ snapshot, containerId, onClose }: ContainerDetailsProps) {
  const container = snapshot.containers.find((c) => c.id === containerId);
  const closeButton = (
    <button
      type="button"
      onClick={onClose}
      aria-label="Close details"
      className="shrink-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
    >
      Close
    </button>
  );

  if (!container) {
    return (
      <section data-testid="container-details" className={PANEL}>
        <div className="flex items-start justify-between gap-4">
          <p className="text-slate-700">This container is no longer in the snapshot: it was probably removed.</p>
          {closeButton}
        </div>
      </section>
    );
  }

  const pod = snapshot.pods.find((p) => p.id === container.podId);
  const marker = IMAGE_SOURCE_MARKERS[container.imageSource];
  return (
    <section data-testid="container-details" aria-label={`Container ${container.name}`} className={PANEL}>
      <header className="flex items-start justify-between gap-4">
        <h2 className="text-xl font-bold wrap-break-word">{container.name}</h2>
        {closeButton}
      </header>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <Field label="ID">
          <code className="font-mono">{container.id.slice(0, 12)}</code>
        </Field>
        <Field label="Image">
          <code className="font-mono wrap-break-word">{container.image}</code>{" "}
          <span className="rounded-full px-2 py-0.5 text-sm font-bold whitespace-nowrap" style={{ color: marker.text, backgroundColor: marker.tint }}>
            {marker.label}
          </span>
        </Field>
        <Field label="State">
          {container.state}
          {container.pid !== null && ` · host PID ${container.pid}`}
        </Field>
        <Field label="Role">
          {container.id === snapshot.host.self?.containerId ? (
            <span data-testid="self-container">Pod Anatomy itself: the container this dashboard runs in (not a pod member)</span>
          ) : (
            container.role
          )}
        </Field>
        <Field label="Pod">{pod ? pod.name : "none"}</Field>
      </dl>
      <NamespaceTable snapshot={snapshot} container={container} />
      <Network snapshot={snapshot} container={container} />
      <Processes snapshot={snapshot} container={container} />
      <Cgroups container={container} />
    </section>
  );
}

const PANEL = "flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-5 text-[15px] text-slate-900 shadow-sm";
const TABLE = "w-full border-collapse text-left [&_td]:border-t [&_td]:border-slate-200 [&_td]:px-2 [&_td]:py-1.5 [&_th]:px-2 [&_th]:py-1.5 [&_th]:whitespace-nowrap";
const HEAD = "text-sm font-semibold text-slate-600";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-semibold text-slate-600">{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <section>
      <h3 className="mb-2 text-base font-bold">{title}</h3>
      {children}
    </section>
  );
}

function NamespaceTable({ snapshot, container }: { snapshot: Snapshot; container: Container }) {
  const types = NAMESPACE_ORDER.filter((type) => container.namespaces[type] !== undefined);
  const title = (
    <>
      Namespaces <span className="font-mono text-sm font-normal text-slate-600">ls -l /proc/{container.pid ?? "PID"}/ns</span>
    </>
  );
  if (types.length === 0) {
    return (
      <Section title={title}>
        <p className="text-slate-700">None read: the container is not running, or its /proc entry could not be read.</p>
      </Section>
    );
  }
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  return (
    <Section title={title}>
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Namespaces table">
        <table data-testid="ns-table" className={TABLE}>
          <thead className={HEAD}>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Namespace</th>
              <th scope="col">Shared with</th>
            </tr>
          </thead>
          <tbody>
            {types.map((type) => {
              const id = `${type}:[${container.namespaces[type]}]`;
              const ns = snapshot.namespaces.find((n) => n.id === id);
              const others = (ns?.containerIds ?? []).filter((cid) => cid !== container.id).map((cid) => byId.get(cid));
              const withSandbox = container.sharedWithSandbox.includes(type);
              return (
                <tr key={type} data-ns={type} data-shared-with-sandbox={withSandbox || undefined} className={withSandbox ? "bg-sky-50" : undefined}>
                  <td>
                    <NamespaceChip type={type} />
                  </td>
                  <td className="font-mono whitespace-nowrap">{id}</td>
                  <td>
                    <SharedWith others={others} isHost={ns?.isHost ?? container.sharedWithHost.includes(type)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {container.sharedWithSandbox.length > 0 && (
        <p className="mt-2 text-sm text-slate-600">
          <span className="mr-1 inline-block h-3 w-3 rounded-sm border border-sky-300 bg-sky-50 align-middle" /> shared with the pod&apos;s sandbox
        </p>
      )}
    </Section>
  );
}

/** A fact and, under it, the file it was read from. */
function Sourced({ children, source }: { children: ReactNode; source: string }) {
  return (
    <>
      <span>{children}</span>
      <span className="block font-mono text-[13px] wrap-break-word text-slate-600">{source}</span>
    </>
  );
}

/** The container's network namespace as the kernel shows it: interfaces, addresses, routes, listeners, the veth's host end; and its hostname. */
function Network({ snapshot, container }: { snapshot: Snapshot; container: Container }) {
  const ns = networkOf(snapshot, container);
  const uts = hostnameOf(snapshot, container);
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  const inode = container.namespaces.net;
  const title = (
    <>
      Network <span className="font-mono text-sm font-normal text-slate-600">{inode === undefined ? "" : `net:[${inode}]`}</span>
    </>
  );
  const hostname = uts && (
    <p data-testid="uts-hostname" className="mb-2">
      <Sourced source={hostnameSource(uts)}>
        Hostname <code className="font-mono font-bold">{uts.hostname ?? "not read"}</code>
      </Sourced>
    </p>
  );
  if (!ns) {
    const why =
      inode === undefined
        ? "Not read: the container is not running."
        : container.sharedWithHost.includes("net")
          ? "The host's network namespace (--network host): its interfaces and sockets are the host's, not read here."
          : "Not read for this snapshot.";
    return (
      <Section title={title}>
        {hostname}
        <p className="text-slate-700">{why}</p>
      </Section>
    );
  }
  const routes = defaultRouteLines(ns);
  const veths = vethLines(ns, snapshot.host);
  return (
    <Section title={title}>
      {hostname}
      <p className="mb-2 text-sm text-slate-600">
        Read through host PID {ns.readThrough}: /proc/{ns.readThrough}/net/*; sockets matched to /proc/PID/fd of PID {ns.fdsReadOf.join(", ") || "none"}.
      </p>
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Interfaces table">
        <table data-testid="net-interfaces" className={TABLE}>
          <thead className={HEAD}>
            <tr>
              <th scope="col">Interface</th>
              <th scope="col">Addresses</th>
              <th scope="col">Link</th>
            </tr>
          </thead>
          <tbody>
            {ns.interfaces.map((i) => {
              const sys = ns.sysfs ? `${ns.sysfs}/${i.name}` : null;
              const veth = veths.find((v) => v.iface.name === i.name);
              return (
                <tr key={i.name} data-interface={i.name}>
                  <td className="align-top">
                    <Sourced source={`/proc/${ns.readThrough}/net/dev${sys ? `, ${sys}/operstate` : ""}`}>
                      <code className="font-mono font-bold">{i.name}</code> {i.operstate ?? ""}
                    </Sourced>
                  </td>
                  <td className="align-top">
                    <ul className="flex flex-col gap-1">
                      {ns.addresses
                        .filter((a) => a.interface === i.name)
                        .map((a) => (
                          <li key={a.address}>
                            <Sourced source={addressSource(ns, a)}>
                              <code className="font-mono">
                                {a.address}/{a.prefixLength}
                              </code>{" "}
                              <span className="text-slate-600">{a.scope}</span>
                            </Sourced>
                          </li>
                        ))}
                    </ul>
                  </td>
                  <td className="align-top">
                    {i.ifindex !== null && (
                      <Sourced source={sys ? `${sys}/{ifindex,iflink,address}` : `/proc/${ns.readThrough}/net/if_inet6 (ifindex)`}>
                        ifindex {i.ifindex}
                        {i.iflink !== null && i.iflink !== i.ifindex && `, iflink ${i.iflink}`}
                        {i.mac && i.mac !== "00:00:00:00:00:00" && <code className="ml-1 font-mono">{i.mac}</code>}
                      </Sourced>
                    )}
                    {veth && i.hostPeer && (
                      <span data-testid="details-host-veth" className="mt-1 block">
                        <Sourced source={`${hostSysfs(snapshot.host, i.hostPeer.name)}/{ifindex,iflink,master}`}>
                          host end <code className="font-mono font-bold">{i.hostPeer.name}</code>
                          {i.hostPeer.master ? (
                            <>
                              {" "}
                              on bridge <code className="font-mono font-bold">{i.hostPeer.master}</code>
                            </>
                          ) : (
                            " (no bridge)"
                          )}
                        </Sourced>
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ul className="mt-2 flex flex-col gap-1">
        {routes.length === 0 ? (
          <li className="text-slate-700">No default route (/proc/{ns.readThrough}/net/route, ipv6_route).</li>
        ) : (
          routes.map((r) => (
            <li key={r.label}>
              <Sourced source={r.source}>
                <code className="font-mono">{r.label}</code>
              </Sourced>
            </li>
          ))
        )}
        {container.ports.map((p) => (
          <li key={publishedPortLabel(p)}>
            <Sourced source={publishedPortSource(container, p)}>
              published <code className="font-mono">{publishedPortLabel(p)}</code>
            </Sourced>
          </li>
        ))}
      </ul>
      <h4 className="mt-3 mb-1 font-semibold">Listening sockets</h4>
      {ns.listeners.length === 0 ? (
        <p className="text-slate-700">None: no TCP socket in LISTEN, no bound unconnected UDP socket.</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Listening sockets table">
          <table data-testid="net-listeners" className={TABLE}>
            <thead className={HEAD}>
              <tr>
                <th scope="col">Socket</th>
                <th scope="col">Process</th>
                <th scope="col">Container</th>
              </tr>
            </thead>
            <tbody>
              {ns.listeners.map((l) => (
                <tr key={`${l.protocol}:${l.inode}`} data-port={l.port} className={l.containerIds.includes(container.id) ? "bg-sky-50" : undefined}>
                  <td className="align-top">
                    <Sourced source={listenerSource(ns, l)}>
                      <code className="font-mono">
                        {l.protocol} {socketAddress(l.address, l.port)}
                      </code>
                    </Sourced>
                  </td>
                  <td className="align-top font-mono">{l.pids.join(", ") || "?"}</td>
                  <td className="align-top">{l.containerIds.map((id) => byId.get(id)?.name ?? id.slice(0, 12)).join(", ") || "none drawn"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ns.problems.length > 0 && (
        <ul className="mt-2 text-sm text-amber-800">
          {ns.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function SharedWith({ others, isHost }: { others: (Container | undefined)[]; isHost: boolean }) {
  const known = others.filter((c): c is Container => c !== undefined);
  if (known.length === 0 && !isHost) return <span className="text-slate-600">only this container</span>;
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1">
      {known.map((c) => (
        <li key={c.id} className={c.role === "sandbox" ? "font-bold" : undefined}>
          {c.name}
          {c.role === "sandbox" && " (sandbox)"}
        </li>
      ))}
      {isHost && <li className="rounded bg-slate-200 px-1.5 font-semibold">host</li>}
    </ul>
  );
}

function Processes({ snapshot, container }: { snapshot: Snapshot; container: Container }) {
  const byPid = new Map(snapshot.processes.map((p) => [p.pid, p]));
  const processes = container.processIds
    .map((pid) => byPid.get(pid))
    .filter((p): p is Process => p !== undefined && p.containerId === container.id)
    .sort((a, b) => a.pid - b.pid);
  return (
    <Section title="Processes">
      {container.sharedWithSandbox.includes("pid") && <PidOne snapshot={snapshot} container={container} />}
      {processes.length === 0 ? (
        <p className="text-slate-700">No processes: the container is not running.</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Processes table">
          <table className={TABLE}>
            <thead className={HEAD}>
              <tr>
                <th scope="col">Host PID</th>
                <th scope="col">PID inside</th>
                <th scope="col">State</th>
                <th scope="col">Command</th>
              </tr>
            </thead>
            <tbody>
              {processes.map((p) => (
                <tr key={p.pid} className={p.state === "Z" ? "bg-rose-50" : undefined}>
                  <td className="font-mono">{p.pid}</td>
                  <td className="font-mono">{p.nspid.at(-1) ?? "?"}</td>
                  <td>
                    {p.state === "Z" ? <span className="rounded bg-rose-700 px-1.5 font-bold whitespace-nowrap text-white">Z zombie</span> : p.state}
                  </td>
                  <td className="font-mono wrap-break-word">{command(p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Who is PID 1 of the pid namespace this container shares with its sandbox. */
function PidOne({ snapshot, container }: { snapshot: Snapshot; container: Container }) {
  const init = pidNamespaceInit(snapshot, container.namespaces.pid);
  const first = init?.process;
  const owner = init?.container;
  return (
    <p className="mb-2 rounded-md bg-slate-100 px-3 py-2">
      {first && owner ? (
        <>
          PID 1 here is <code className="font-mono font-bold">{command(first)}</code> (host PID {first.pid}, container{" "}
          {owner.name})
        </>
      ) : (
        "PID 1 of this shared pid namespace is not in the snapshot."
      )}
    </p>
  );
}

function Cgroups({ container }: { container: Container }) {
  // v1 mounts one hierarchy per controller set, usually all at the same path: one line per path.
  const byPath = new Map<string, string[]>();
  for (const entry of container.cgroups) {
    const controllers = entry.hierarchyId === 0 ? ["unified (v2)"] : entry.controllers;
    byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), ...controllers]);
  }
  return (
    <Section title="Cgroups">
      {byPath.size === 0 ? (
        <p className="text-slate-700">None read: the container is not running.</p>
      ) : (
        <ul className="flex flex-col gap-1.5">
          {[...byPath].map(([path, controllers]) => (
            <li key={path}>
              <code className="font-mono wrap-break-word">{path}</code>
              <span className="block text-sm text-slate-600">{controllers.join(", ")}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The command line, or `[name]` when it is empty (kernel threads, zombies), as ps shows it. */
function command(p: Process): string {
  return p.cmdline.length > 0 ? p.cmdline.join(" ") : `[${p.name}]`;
}

export default ContainerDetails;
