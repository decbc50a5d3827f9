import { describe, expect, it } from "vitest";
import { captionHeight, captionLines, cssColor, exportFileName, formatTime, MASK, pngSize, shortenIds, standaloneSvg, type Caption } from "./export";

const ID = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
const OTHER = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

describe("shortenIds", () => {
  it("shortens 64-hex ids to 12 characters wherever they are", () => {
    expect(shortenIds(`/docker/${ID}`, "short")).toBe("/docker/4f1c2d3e4f5a");
    expect(shortenIds(`cri-containerd-${ID}.scope and sha256:${OTHER}`, "short")).toBe("cri-containerd-4f1c2d3e4f5a.scope and sha256:0123456789ab");
    expect(shortenIds(`k8s_POD_web_default_${ID}_0`, "short")).toBe("k8s_POD_web_default_4f1c2d3e4f5a_0");
  });

  it("masks them", () => {
    expect(shortenIds(`${ID}->${OTHER}`, "masked")).toBe(`${MASK}->${MASK}`);
  });

  it("leaves shorter and longer hex runs, and upper case, alone", () => {
    const short = ID.slice(0, 63);
    expect(shortenIds(short, "masked")).toBe(short);
    expect(shortenIds(`${ID}a`, "masked")).toBe(`${ID}a`);
    expect(shortenIds(ID.toUpperCase(), "masked")).toBe(ID.toUpperCase());
  });
});

describe("caption and file name", () => {
  const live: Caption = { title: "Pod graph", host: "vm", time: "2026-11-22T04:51:04.123Z", mark: null };

  it("formats an ISO time in UTC to the second", () => {
    expect(formatTime("2026-11-22T04:51:04.123Z")).toBe("2026-11-22 04:51:04 UTC");
    expect(formatTime("2026-11-22T04:51:04Z")).toBe("2026-11-22 04:51:04 UTC");
    expect(formatTime("yesterday")).toBe("yesterday");
  });

  it("says what, where and when; a sample says so first", () => {
    expect(captionLines(live)).toEqual(["Pod Anatomy · Pod graph", "host vm · read 2026-11-22 04:51:04 UTC"]);
    expect(captionLines({ ...live, mark: "SAMPLE" })).toEqual(["SAMPLE · Pod Anatomy · Pod graph", "host vm · recorded 2026-11-22 04:51:04 UTC"]);
  });

  it("names files pod-anatomy-<host>-<time>", () => {
    expect(exportFileName("vm", "2026-11-22T04:51:04.123Z", "png")).toBe("pod-anatomy-vm-20261122-045104.png");
    expect(exportFileName("../my host/x", "2026-11-22T04:51:04Z", "svg")).toBe("pod-anatomy-_my_host_x-20261122-045104.svg");
    expect(exportFileName("", "now", "json")).toBe("pod-anatomy-host-unknown-time.json");
  });
});

describe("standaloneSvg", () => {
  const picture = {
    markup: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300"><title>/docker/${ID}</title><text style="fill:#0f172a">a &lt; b</text></svg>`,
    width: 400,
    height: 300,
    background: "#ffffff",
  };
  const caption: Caption = { title: "Pod graph", host: "lab <1>", time: "2026-11-22T04:51:04Z", mark: "RECORDING" };

  it("puts the drawing above an escaped caption, on its background, ids shortened", () => {
    const { svg, width, height } = standaloneSvg(picture, caption, "short");
    expect([width, height]).toEqual([400, 384]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="384" viewBox="0 0 400 384">/);
    expect(svg).toContain('<rect width="400" height="384" fill="#ffffff"/>');
    expect(svg).toContain('<svg x="0" y="0" width="400" height="300" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">');
    expect(svg).toContain(">RECORDING · Pod Anatomy · Pod graph</text>");
    expect(svg).toContain('<text x="24" y="368" font-size="17" fill="#334155">host lab &lt;1&gt; · recorded 2026-11-22 04:51:04 UTC</text>');
    expect(svg).toContain("<title>/docker/4f1c2d3e4f5a</title>");
    expect(svg).not.toContain(ID);
  });

  it("grows the caption with a wide drawing", () => {
    expect(captionHeight(400)).toBe(84);
    expect(captionHeight(2500)).toBe(210);
    const { svg, height } = standaloneSvg({ ...picture, width: 2500 }, caption, "short");
    expect(height).toBe(510);
    expect(svg).toContain('<text x="60" y="400" font-size="55" font-weight="700" fill="#b45309">RECORDING · Pod Anatomy · Pod graph</text>');
  });

  it("masks ids when asked", () => {
    const { svg } = standaloneSvg(picture, caption, "masked");
    expect(svg).toContain(`<title>/docker/${MASK}</title>`);
    expect(svg).not.toContain("4f1c2d3e4f5a");
  });
});

describe("pngSize and cssColor", () => {
  it("scales, and refuses what a canvas cannot hold", () => {
    expect(pngSize(901, 384, 1)).toEqual({ width: 901, height: 384 });
    expect(pngSize(901, 384, 2)).toEqual({ width: 1802, height: 768 });
    expect(pngSize(901, 384, 4)).toEqual({ width: 3604, height: 1536 });
    expect(() => pngSize(9000, 9000, 4)).toThrow("36000×36000 px is more than a browser canvas holds");
    expect(() => pngSize(16000, 16000, 2)).toThrow("more than a browser canvas holds");
  });

  it("writes opaque colours as hex, translucent ones as rgba", () => {
    expect(cssColor(15, 23, 42, 255)).toBe("#0f172a");
    expect(cssColor(255, 0, 0, 128)).toBe("rgba(255,0,0,0.502)");
  });
});
