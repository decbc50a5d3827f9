import { describe, expect, it } from "vitest";
import { sideBySideSvg, emptyPicture } from "./export";
import { graphHighlight, isEmptyHighlight } from "./step-highlight";

describe("graphHighlight", () => {
  it("labels per node, a join drawn on its spoke (the member ringed without repeating it)", () => {
    const h = graphHighlight({
      changes: [
        { kind: "namespace", containerId: "n", label: "new mnt" },
        { kind: "joined", containerId: "n", label: "joined net ipc pid uts" },
        { kind: "phase", containerId: "s", label: "Pending → Running" },
      ],
      edges: [{ sandboxId: "s", memberId: "n", shares: ["net", "ipc", "pid", "uts"] }],
    });
    expect(h).toEqual({ nodes: { n: ["new mnt"], s: ["Pending → Running"] }, edges: { "s->n": "joined net ipc pid uts" } });
    expect(isEmptyHighlight(h)).toBe(false);
    expect(isEmptyHighlight(graphHighlight({ changes: [], edges: [] }))).toBe(true);
  });
});

describe("sideBySideSvg", () => {
  it("both pictures at one height, each under its own caption, the usual caption below, ids shortened", () => {
    const id = "a".repeat(64);
    const left = emptyPicture("no pod yet", 900, 600);
    const right = { markup: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 450 300"><title>${id}</title></svg>`, width: 450, height: 300, background: "#ffffff" };
    const doc = sideBySideSvg(
      { picture: left, label: "before step 2: Start nginx" },
      { picture: right, label: "after step 2: Start nginx" },
      { title: "step by step", host: "h", time: "2026-12-01T22:00:00Z", mark: null },
      "short",
    );
    // 900 + a gap of 600/30 + 450 scaled to 600 high (900).
    expect(doc.width).toBe(900 + 20 + 900);
    expect(doc.svg).toContain("before step 2: Start nginx");
    expect(doc.svg).toContain("after step 2: Start nginx");
    expect(doc.svg).toContain(`<svg x="920" y="`);
    expect(doc.svg).not.toContain(id);
    expect(doc.svg).toContain("a".repeat(12));
    expect(doc.height).toBeGreaterThan(600);
  });
});
