"use client";

/**
 * The pod graph: each pod a cluster with its sandbox (pause) as the hub and its members as
 * spokes, labelled with the namespaces they share. D3 computes the layout
 * (lib/view/pod-graph-layout.ts) and handles pan and zoom (a CSS transform around the SVG);
 * React renders every element.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent, type ReactNode } from "react";
import { select, zoom, zoomIdentity, type D3ZoomEvent } from "d3";
import { NAMESPACE_TYPES, type Container, type HostFacts, type NamespaceType, type NetworkNamespace, type Snapshot } from "@/lib/model/types";
import { listenedPorts, networkOf, podIpLines, publishedPortLabel, publishedPortSource, vethLines } from "@/lib/view/pod-network";
import { containerFact, hostLinkFact, linkFact, podFact } from "@/lib/view/fact-sources";
import { truncateEnd, truncateStart } from "@/lib/view/format";
import { IMAGE_SOURCE_MARKERS, NAMESPACE_COLORS, sortNamespaceTypes } from "@/lib/view/namespace-colors";
import {
  HOST_EDGE_TYPES,
  HOST_QUIET_TYPES,
  LAYOUT_SIZES,
  layoutPodGraph,
  spokeNote,
  type EdgeLayout,
  type HostEdgeLayout,
  type HostNodeLayout,
  type LabelledLine,
  type NodeLayout,
} from "@/lib/view/pod-graph-layout";
import type { GraphHighlight } from "@/lib/view/step-highlight";

export interface PodGraphProps {
  snapshot: Snapshot;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** One pod in focus: the drawing is sized to what it holds (lib/view/pod-graph-layout.ts `compact`), so it shows large. */
  compact?: boolean;
  /** The title of the picture an export makes of it; "Pod graph" unless told. */
  title?: string;
  /** What the last step changed (step by step): a glowing ring and short labels on those nodes and spokes. */
  highlight?: GraphHighlight | null;
}

const ACCENT = "#0284c7"; // sky-600: selection and the spokes of the selected container

export function PodGraph({ snapshot, selectedId, onSelect, compact = false, title = "Pod graph", highlight = null }: PodGraphProps) {
  const layout = useMemo(() => layoutPodGraph(snapshot, { compact }), [snapshot, compact]);
  const containers = useMemo(() => new Map(snapshot.containers.map((c) => [c.id, c])), [snapshot.containers]);
  const podNames = useMemo(() => new Map(snapshot.pods.map((p) => [p.id, p.name])), [snapshot.pods]);

  if (snapshot.containers.length === 0) {
    return (
      <div className="flex h-full min-h-[28rem] w-full flex-col items-center justify-center gap-2 rounded-lg bg-white p-8 text-center">
        <p className="text-lg font-semibold text-slate-800">No containers to draw</p>
        <p className="text-base text-slate-600">Start a sample pod, or run a container on this engine: it shows up here.</p>
      </div>
    );
  }

  const isSelectedEdge = (edge: EdgeLayout) => edge.sandboxId === selectedId || edge.memberId === selectedId;
  const isSelectedHostEdge = (edge: HostEdgeLayout) => edge.containerId === selectedId;

  return (
    <ZoomableSvg width={layout.width} height={layout.height} title={title}>
      {layout.clusters.map((cluster) => (
        <g key={cluster.podId} transform={`translate(${cluster.x},${cluster.y})`}>
          {snapshot.pods
            .filter((pod) => pod.id === cluster.podId)
            .map((pod) => (
              <title key={pod.id}>{podFact(pod)}</title>
            ))}
          {cluster.box ? (
            <rect {...cluster.box} rx={24} fill="#f8fafc" stroke="#cbd5e1" strokeWidth={2} strokeDasharray="10 8" />
          ) : (
            <circle r={cluster.r} fill="#f8fafc" stroke="#cbd5e1" strokeWidth={2} strokeDasharray="10 8" />
          )}
          <text y={(cluster.box ? cluster.box.y : -cluster.r) + 38} textAnchor="middle" className="fill-slate-800 text-[22px] font-bold">
            <tspan className="fill-slate-500 font-semibold">pod </tspan>
            {cluster.label}
          </text>
        </g>
      ))}
      {layout.hostEdges.map((edge) => (
        <EdgeLine key={edge.id} line={edge} color="#475569" selected={isSelectedHostEdge(edge)} dashed />
      ))}
      {layout.edges.map((edge) => (
        <EdgeLine key={edge.id} line={edge} color="#94a3b8" selected={isSelectedEdge(edge)} />
      ))}
      {layout.nodes.map((node) => {
        const container = containers.get(node.id);
        if (!container) return null;
        return (
          <GraphNode
            key={node.id}
            node={node}
            container={container}
            network={networkOf(snapshot, container)}
            host={snapshot.host}
            podName={node.podId === null ? undefined : podNames.get(node.podId)}
            selected={node.id === selectedId}
            onSelect={onSelect}
          />
        );
      })}
      {layout.edges.map((edge) => {
        const note = spokeNote(edge.shared, containers.get(edge.sandboxId), containers.get(edge.memberId));
        return (
          <g key={edge.id}>
            <title>{linkFact(edge.shared, containers.get(edge.sandboxId), containers.get(edge.memberId))}</title>
            <rect
              x={edge.labelX - edge.labelWidth / 2 - 10}
              y={edge.labelY - 16}
              width={edge.labelWidth + 20}
              height={32}
              rx={16}
              fill="#ffffff"
              stroke={isSelectedEdge(edge) ? ACCENT : "#cbd5e1"}
              strokeWidth={2}
            />
            <text
              data-testid="spoke-label"
              data-edge={edge.id}
              x={edge.labelX}
              y={edge.labelY}
              dy="0.35em"
              textAnchor="middle"
              className="text-[18px] font-bold"
            >
              {note ? <tspan className="fill-slate-600">{note}</tspan> : <NamespaceSpans types={edge.shared} />}
            </text>
          </g>
        );
      })}
      {layout.host && <HostNode host={layout.host} snapshot={snapshot} />}
      {layout.hostEdges.map((edge) => (
        <g key={edge.id}>
          <title>{hostLinkFact(edge.shared, containers.get(edge.containerId), snapshot.host)}</title>
          <rect
            x={edge.labelX - edge.labelWidth / 2 - 10}
            y={edge.labelY - 16}
            width={edge.labelWidth + 20}
            height={32}
            rx={6}
            fill="#f1f5f9"
            stroke={isSelectedHostEdge(edge) ? ACCENT : "#475569"}
            strokeWidth={2}
            strokeDasharray="6 4"
          />
          <text data-testid="host-edge-label" data-edge={edge.id} x={edge.labelX} y={edge.labelY} dy="0.35em" textAnchor="middle" className="text-[18px] font-bold">
            <tspan className="fill-slate-700">host </tspan>
            <NamespaceSpans types={edge.shared} />
          </text>
        </g>
      ))}
      {highlight && <HighlightLayer width={layout.width} nodes={layout.nodes} edges={layout.edges} highlight={highlight} />}
    </ZoomableSvg>
  );
}

const GLOW = "#f59e0b"; // amber-500: what the last step changed

/** The highlight drawn over the graph: amber glow on the spokes gained and rings on the nodes changed, each with its label. */
function HighlightLayer({ width, nodes, edges, highlight }: { width: number; nodes: NodeLayout[]; edges: EdgeLayout[]; highlight: GraphHighlight }) {
  const plate = (text: string) => text.length * 10.5 + 24;
  return (
    <g data-testid="step-highlight" pointerEvents="none">
      <defs>
        <filter id="step-glow" x="-50%" y="-50%" width="200%" height="200%">
          <feGaussianBlur stdDeviation="6" />
        </filter>
      </defs>
      {edges
        .filter((e) => highlight.edges[e.id])
        .map((e) => (
          <g key={e.id} data-testid="highlight-edge" data-edge={e.id}>
            <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} stroke={GLOW} strokeWidth={14} strokeOpacity={0.55} filter="url(#step-glow)" />
            <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} stroke={GLOW} strokeWidth={5} />
            <rect x={e.labelX - plate(highlight.edges[e.id]!) / 2} y={e.labelY + 20} width={plate(highlight.edges[e.id]!)} height={30} rx={15} fill={GLOW} />
            <text x={e.labelX} y={e.labelY + 35} dy="0.35em" textAnchor="middle" fill="#1c1917" className="text-[17px] font-bold">
              {highlight.edges[e.id]}
            </text>
          </g>
        ))}
      {nodes
        .filter((n) => highlight.nodes[n.id])
        .map((n) => {
          const labels = highlight.nodes[n.id]!;
          const top = -((labels.length - 1) * 34) / 2;
          // Beside the node, on the side where the widest label stays inside the drawing.
          const widest = Math.max(0, ...labels.map(plate));
          const left = n.x + n.r + 26 + widest > width && n.x - n.r - 26 - widest >= 0;
          return (
            <g key={n.id} data-testid="highlight-node" data-id={n.id} transform={`translate(${n.x},${n.y})`}>
              <circle r={n.r + 14} fill="none" stroke={GLOW} strokeWidth={12} strokeOpacity={0.5} filter="url(#step-glow)" />
              <circle r={n.r + 14} fill="none" stroke={GLOW} strokeWidth={5} />
              {labels.map((label, i) => (
                <g key={label} transform={`translate(${left ? -n.r - 26 - plate(label) : n.r + 26},${top + i * 34})`}>
                  <rect y={-15} width={plate(label)} height={30} rx={8} fill={GLOW} />
                  <text x={12} dy="0.35em" fill="#1c1917" className="text-[17px] font-bold" data-testid="highlight-label">
                    {label}
                  </text>
                </g>
              ))}
            </g>
          );
        })}
    </g>
  );
}

/** A spoke, or a dashed edge to the host box: thicker and in the accent colour when one of its ends is selected. */
function EdgeLine({ line, color, selected, dashed = false }: { line: LabelledLine; color: string; selected: boolean; dashed?: boolean }) {
  return (
    <line
      data-edge={line.id}
      x1={line.x1}
      y1={line.y1}
      x2={line.x2}
      y2={line.y2}
      stroke={selected ? ACCENT : color}
      strokeWidth={selected ? 5 : 3}
      strokeDasharray={dashed ? "12 8" : undefined}
    />
  );
}

/** White outline behind text so it stays legible over lines. */
const OUTLINE = "stroke-white [paint-order:stroke] [stroke-linejoin:round] [stroke-width:6px]";
const HALO = `${OUTLINE} text-[18px] font-bold`;

/**
 * The SVG, with d3-zoom attached once to the panel. Pan and zoom move the SVG as a whole with
 * a CSS transform that D3 sets itself, outside React: the browser then moves what it has
 * already painted instead of painting the graph's thousands of elements again for each frame
 * (at 110 pods: 13,000). The SVG itself never carries the transform, so an export is always
 * the whole drawing.
 */
function ZoomableSvg({ width, height, title, children }: { width: number; height: number; title: string; children: ReactNode }) {
  const panelRef = useRef<HTMLDivElement>(null);
  const layerRef = useRef<HTMLDivElement>(null);
  const resetRef = useRef<() => void>(null);

  useEffect(() => {
    const panel = panelRef.current;
    const layer = layerRef.current;
    if (!panel || !layer) return;
    // During a gesture the browser scales what it painted (will-change); at its end it paints
    // again at the new scale, so the text is sharp for a screenshot.
    const behavior = zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.2, 8])
      .on("start", () => (layer.style.willChange = "transform"))
      .on("zoom", (event: D3ZoomEvent<HTMLDivElement, unknown>) => {
        const { x, y, k } = event.transform;
        layer.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
      })
      .on("end", () => (layer.style.willChange = ""));
    // Double-click stays a click on a node, not a zoom.
    const selection = select(panel).call(behavior).on("dblclick.zoom", null);
    resetRef.current = () => selection.call(behavior.transform, zoomIdentity);
    return () => {
      selection.on(".zoom", null);
      resetRef.current = null;
    };
  }, []);

  return (
    <div className="relative h-full min-h-[28rem] w-full overflow-hidden rounded-lg bg-white">
      <div ref={panelRef} className="absolute inset-0 cursor-grab touch-none select-none active:cursor-grabbing">
        <div ref={layerRef} className="absolute inset-0 origin-top-left">
          <svg
            data-export-view={title}
            viewBox={`0 0 ${width} ${height}`}
            aria-label="Pod graph: pods, their sandbox and member containers, and the namespaces they share"
            className="h-full w-full font-sans"
          >
            {children}
          </svg>
        </div>
      </div>
      <button
        type="button"
        onClick={() => resetRef.current?.()}
        className="absolute top-3 right-3 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        Reset view
      </button>
      <p className="pointer-events-none absolute bottom-2 left-3 text-sm text-slate-600">Drag to pan · scroll to zoom</p>
    </div>
  );
}

interface GraphNodeProps {
  node: NodeLayout;
  container: Container;
  /** The network namespace the container is in, when it was read. */
  network: NetworkNamespace | undefined;
  host: HostFacts;
  podName: string | undefined;
  selected: boolean;
  onSelect: (id: string) => void;
}

function GraphNode({ node, container, network, host, podName, selected, onSelect }: GraphNodeProps) {
  const choose = () => onSelect(container.id);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    choose();
  };
  return (
    <g
      data-id={container.id}
      data-role={node.kind}
      role="button"
      tabIndex={0}
      aria-label={describe(container, node, podName)}
      aria-pressed={selected}
      onClick={choose}
      onKeyDown={onKeyDown}
      transform={`translate(${node.x},${node.y})`}
      className="group cursor-pointer outline-none"
    >
      <title>{containerFact(container)}</title>
      <circle
        r={node.r + 10}
        fill="none"
        stroke={ACCENT}
        strokeWidth={3}
        strokeDasharray="5 4"
        className="opacity-0 group-focus-visible:opacity-100"
      />
      {node.kind === "sandbox" ? (
        <>
          <SandboxBody container={container} r={node.r} selected={selected} />
          <HubNetwork container={container} network={network} host={host} r={node.r} />
        </>
      ) : (
        <>
          {/* The whole block (circle and its label lines) takes the click, not only the painted strokes: the pod's box is beneath. */}
          <rect
            data-testid="node-hit-area"
            x={-LAYOUT_SIZES.labelHalfWidth}
            y={node.labelAbove ? -node.r - LAYOUT_SIZES.labelBlock : -node.r}
            width={2 * LAYOUT_SIZES.labelHalfWidth}
            height={2 * node.r + LAYOUT_SIZES.labelBlock}
            fill="transparent"
          />
          <ContainerBody container={container} node={node} selected={selected} network={network} />
        </>
      )}
    </g>
  );
}

/**
 * The host's own namespaces: a box saying which PID they were read from. Its dashed edges
 * are drawn for HOST_EDGE_TYPES only; the types every container shares with the host
 * anyway (HOST_QUIET_TYPES) are counted here instead.
 */
function HostNode({ host, snapshot }: { host: HostNodeLayout; snapshot: Snapshot }) {
  const from = host.namespacesFrom;
  const read = snapshot.containers.filter((c) => Object.keys(c.namespaces).length > 0);
  const quiet = HOST_QUIET_TYPES.filter((t) => snapshot.host.namespaces[t] !== undefined).map((type) => ({
    type,
    count: read.filter((c) => c.sharedWithHost.includes(type)).length,
  }));
  const allShare = read.length > 0 && quiet.length > 0 && quiet.every((q) => q.count === read.length);
  const inodes = sortNamespaceTypes(NAMESPACE_TYPES.filter((t) => snapshot.host.namespaces[t] !== undefined)).map((t) => `${t}:[${snapshot.host.namespaces[t]}]`);
  const tooltip = [
    `The host's own namespaces, read from /proc/${from}/ns${from === 1 ? "" : " (PID 1's links are unreadable here; kthreadd, PID 2, is always in the initial namespaces)"}.`,
    `Dashed edges: containers sharing ${HOST_EDGE_TYPES.join(", ")} with the host (--network host, --ipc host, --pid host, --uts host).`,
    `Not drawn: ${HOST_QUIET_TYPES.join(", ")}, which Docker containers share with the host unless told otherwise — ${
      quiet.map((q) => `${q.type}: ${q.count} of ${read.length} containers`).join(", ") || "not read"
    }.`,
    ...inodes,
  ].join("\n");
  const left = host.x - host.width / 2;
  const top = host.y - host.height / 2;
  return (
    <g data-id="host" data-role="host" data-testid="host-node" role="img" aria-label={tooltip}>
      <title>{tooltip}</title>
      <rect x={left} y={top} width={host.width} height={host.height} rx={14} fill="#f8fafc" stroke="#334155" strokeWidth={3} />
      <text x={host.x} y={top + 30} textAnchor="middle" className="fill-slate-600 text-[16px] font-semibold tracking-widest">
        HOST · {truncateEnd(snapshot.host.hostname, 22)}
      </text>
      <text x={host.x} y={top + 58} textAnchor="middle" className="fill-slate-900 text-[20px] font-bold">
        namespaces of PID {from}
        {from === 1 ? "" : " (kthreadd)"}
      </text>
      <text x={host.x} y={top + 84} textAnchor="middle" className="fill-slate-600 text-[15px]">
        {from === 1 ? "ls -l /proc/1/ns" : "PID 1's ns links are unreadable here"}
      </text>
      <text x={host.x} y={top + 112} textAnchor="middle" className="fill-slate-700 text-[15px]">
        {quiet.length === 0 || read.length === 0 ? (
          "no container namespaces read"
        ) : allShare ? (
          <>
            all {read.length} containers share <NamespaceSpans types={quiet.map((q) => q.type)} /> (no edges)
          </>
        ) : (
          <>shared: {quiet.map((q) => `${q.type} ${q.count}/${read.length}`).join(" · ")}</>
        )}
      </text>
    </g>
  );
}

/** The hub: a big dark disc with the name, the image and where the image came from. */
function SandboxBody({ container, r, selected }: { container: Container; r: number; selected: boolean }) {
  const marker = IMAGE_SOURCE_MARKERS[container.imageSource];
  const markerWidth = marker.label.length * 9.6 + 24;
  return (
    <>
      <circle r={r} fill="#1e293b" stroke={selected ? ACCENT : "#0f172a"} strokeWidth={selected ? 7 : 2} />
      <text y={-54} textAnchor="middle" className="fill-slate-300 text-[16px] font-semibold tracking-widest">
        {hubWord(container.runtime)}
      </text>
      <text y={-20} textAnchor="middle" className="fill-white text-[17px] font-bold">
        {truncateEnd(container.name, 18)}
      </text>
      <text y={10} textAnchor="middle" className="fill-slate-100 font-mono text-[16px]">
        {truncateStart(container.image, 21)}
      </text>
      <rect x={-markerWidth / 2} y={28} width={markerWidth} height={30} rx={15} fill={marker.tint} />
      <text y={49} textAnchor="middle" fill={marker.text} className="text-[16px] font-bold">
        {marker.label}
      </text>
    </>
  );
}

/**
 * Above the hub (members never sit straight above it): the pod's IP, the ports published
 * to the host, and the host end of the pod's veth with its bridge — each with its source.
 */
function HubNetwork({ container, network, host, r }: { container: Container; network: NetworkNamespace | undefined; host: HostFacts; r: number }) {
  const ips = podIpLines(network);
  const veths = vethLines(network, host);
  const lines: { key: string; testId: string; text: string; source: string; className: string }[] = [];
  if (ips.length > 0) {
    lines.push({ key: "ip", testId: "pod-ip", text: `IP ${ips.map((i) => i.label).join(" · ")}`, source: ips.map((i) => i.source).join("\n"), className: "fill-sky-900 text-[19px] font-bold" });
  } else if (network) {
    lines.push({ key: "ip", testId: "pod-ip", text: "no IP but loopback", source: `no global address in /proc/${network.readThrough}/net/fib_trie or if_inet6`, className: "fill-slate-600 text-[17px] font-semibold" });
  }
  if (container.ports.length > 0) {
    lines.push({
      key: "ports",
      testId: "published-ports",
      text: container.ports.map(publishedPortLabel).join(" · "),
      source: container.ports.map((p) => publishedPortSource(container, p)).join("\n"),
      className: "fill-slate-800 font-mono text-[16px] font-semibold",
    });
  }
  if (veths.length > 0) {
    lines.push({ key: "veth", testId: "host-veth", text: veths.map((v) => v.label).join(" · "), source: veths.map((v) => v.source).join("\n"), className: "fill-slate-700 font-mono text-[15px]" });
  }
  const { lineHeight } = LAYOUT_SIZES;
  return lines.reverse().map((line, i) => (
    <text key={line.key} data-testid={`${line.testId}-line`} y={-r - 18 - i * (lineHeight + 2)} textAnchor="middle" className={`${OUTLINE} ${line.className}`}>
      <title>{line.source}</title>
      <tspan data-testid={line.testId}>{truncateEnd(line.text, 34)}</tspan>
    </text>
  ));
}

/** The hub's title in its runtime's words: Podman's infra container, the CRI's pod sandbox. */
function hubWord(runtime: Container["runtime"]): string {
  return runtime === "podman" ? "INFRA" : runtime === "containerd" || runtime === "cri-o" ? "POD SANDBOX" : "SANDBOX";
}

/** A member or standalone container: a disc with its image's short name, its labels beside it. */
function ContainerBody({ container, node, selected, network }: { container: Container; node: NodeLayout; selected: boolean; network: NetworkNamespace | undefined }) {
  const ports = listenedPorts(network, container.id);
  const lines: { key: string; content: ReactNode; title?: string; testId?: string }[] = [
    { key: "name", content: <tspan className="fill-slate-900 text-[19px] font-bold">{truncateEnd(container.name, 20)}</tspan> },
    node.kind === "member"
      ? { key: "own", content: <NamespaceLine prefix="own" types={container.own} /> }
      : { key: "standalone", content: <tspan className="fill-slate-600 font-semibold">standalone container</tspan> },
  ];
  if (ports.length > 0) {
    const shown = truncateEnd(ports.map((p) => p.label).join(" · "), 26);
    lines.splice(1, 0, {
      key: "listens",
      testId: "listen-ports",
      title: ports.map((p) => p.source).join("\n"),
      content: (
        <tspan>
          <tspan className="fill-slate-600">listens </tspan>
          <tspan className="fill-sky-800 font-mono">{shown}</tspan>
        </tspan>
      ),
    });
  }
  if (container.sharedWithHost.length > 0) {
    lines.push({ key: "host", content: <NamespaceLine prefix="host" types={container.sharedWithHost} /> });
  }
  if (container.state !== "running") {
    lines.push({ key: "state", content: <tspan className="fill-rose-700">{container.state}</tspan> });
  }

  const { lineHeight } = LAYOUT_SIZES;
  const firstY = node.labelAbove ? -node.r - 12 - (lines.length - 1) * lineHeight : node.r + 24;
  return (
    <>
      <circle
        r={node.r}
        fill={selected ? "#e0f2fe" : node.kind === "standalone" ? "#f1f5f9" : "#ffffff"}
        stroke={selected ? ACCENT : "#475569"}
        strokeWidth={selected ? 7 : 3}
        strokeDasharray={container.state === "running" ? undefined : "7 5"}
      />
      <text dy="0.35em" textAnchor="middle" className="fill-slate-700 text-[16px] font-semibold">
        {truncateEnd(imageShortName(container.image), 8)}
      </text>
      {lines.map((line, i) => (
        <text key={line.key} data-testid={line.testId && `${line.testId}-line`} y={firstY + i * lineHeight} textAnchor="middle" className={HALO}>
          {line.title && <title>{line.title}</title>}
          <tspan data-testid={line.testId}>{line.content}</tspan>
        </text>
      ))}
    </>
  );
}

function NamespaceLine({ prefix, types }: { prefix: string; types: NamespaceType[] }) {
  return (
    <tspan>
      <tspan className="fill-slate-600">{prefix}: </tspan>
      {types.length === 0 ? <tspan className="fill-slate-600">none</tspan> : <NamespaceSpans types={types} separator=" " />}
    </tspan>
  );
}

/** Namespace types, each in its own colour: "net · ipc · pid". */
function NamespaceSpans({ types, separator = " · " }: { types: NamespaceType[]; separator?: string }) {
  return sortNamespaceTypes(types).map((type, i) => (
    <tspan key={type}>
      {i > 0 && <tspan className="fill-slate-500">{separator}</tspan>}
      <tspan fill={NAMESPACE_COLORS[type].text}>{type}</tspan>
    </tspan>
  ));
}

function describe(container: Container, node: NodeLayout, podName: string | undefined): string {
  const role = node.kind === "standalone" ? "standalone container" : `${node.kind} of pod ${podName ?? "unknown"}`;
  const parts = [container.name, role, container.state];
  if (node.kind === "member") {
    parts.push(`shares ${container.sharedWithSandbox.join(" ") || "nothing"} with the sandbox`);
    parts.push(`own ${container.own.join(" ") || "none"}`);
  }
  if (container.sharedWithHost.length > 0) parts.push(`host ${container.sharedWithHost.join(" ")}`);
  return parts.join(", ");
}

/** "registry.k8s.io/library/nginx:1.27" → "nginx". */
function imageShortName(image: string): string {
  return image.split("/").pop()?.split(/[:@]/)[0] ?? image;
}

export default PodGraph;
