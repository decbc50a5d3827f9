/**
 * A step's changes (lib/model/step-changes.ts) as the pod graph draws them: the labels of
 * each highlighted node, keyed by container id, and of each highlighted spoke, keyed by the
 * layout's edge id (`<sandboxId>-><memberId>`). Pure.
 */
import type { StepChanges } from "@/lib/model/step-changes";

export interface GraphHighlight {
  /** Container id → the short labels drawn beside it. */
  nodes: Record<string, string[]>;
  /** Edge id → the label drawn on the spoke. */
  edges: Record<string, string>;
}

export function graphHighlight(...parts: StepChanges[]): GraphHighlight {
  const nodes: Record<string, string[]> = {};
  const edges: Record<string, string> = {};
  for (const { changes, edges: gained } of parts) {
    for (const c of changes) {
      // A join is drawn on its spoke; the member gets a ring without repeating the words.
      const label = c.kind === "joined" ? null : c.label;
      nodes[c.containerId] = [...(nodes[c.containerId] ?? []), ...(label ? [label] : [])];
    }
    for (const e of gained) edges[`${e.sandboxId}->${e.memberId}`] = `joined ${e.shares.join(" ")}`;
  }
  return { nodes, edges };
}

export const isEmptyHighlight = (h: GraphHighlight) => Object.keys(h.nodes).length === 0 && Object.keys(h.edges).length === 0;
