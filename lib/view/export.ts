/**
 * Export the current view's picture as a standalone SVG or a PNG, with a caption (title,
 * host, time), long ids shortened or masked.
 *
 * A view marks its root with `data-export-view="<title>"`: an <svg> (the pod graph, the cgroup
 * tree) or an HTML element (a table), which goes into the picture inside a <foreignObject>
 * (browsers draw it; simple SVG viewers may not). Its elements are styled by Tailwind
 * classes, which mean nothing outside the page: the export copies each element's *computed*
 * style into a style attribute (colours converted to sRGB hex, which every image viewer
 * understands), and drops what only the page needs (classes, data-*, ARIA, tabindex). Pan and
 * zoom move an element around the <svg>, never inside it: the picture is the whole drawing.
 *
 * The pure pieces (ids, caption, file names, sizes, the SVG document) run anywhere; the
 * functions that take DOM nodes run in the browser only.
 */
import { recordingOrigin, type LoadedSnapshot } from "@/lib/model/snapshot-schema";
import type { Snapshot } from "@/lib/model/types";

/** The attribute that marks an exportable view's <svg>; its value is the view's title. */
export const EXPORT_VIEW_ATTR = "data-export-view";

export type IdDisplay = "short" | "masked";

/** A full container/image id: 64 hex digits, not part of a longer hex run. */
const LONG_ID = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;
export const MASK = "••••";

/** Shorten every 64-hex id to its first 12 characters (as docker ps does), or mask it. */
export function shortenIds(text: string, display: IdDisplay): string {
  return text.replace(LONG_ID, (id) => (display === "masked" ? MASK : id.slice(0, 12)));
}

export interface Caption {
  /** What the picture shows, e.g. "Pod graph". */
  title: string;
  host: string;
  /** ISO time of the facts shown (the snapshot's takenAt, or a sample's recordedAt). */
  time: string;
  /** Set when the picture is not of the live system. */
  mark: "SAMPLE" | "RECORDING" | null;
}

/** The caption of what is shown: the live snapshot, or a recording marked as one. */
export function captionOf(live: Snapshot | undefined, recording: LoadedSnapshot | null): Omit<Caption, "title"> | null {
  if (!recording) return live ? { host: live.host.hostname, time: live.takenAt, mark: null } : null;
  const origin = recordingOrigin(recording);
  return { host: origin.host, time: origin.recordedAt, mark: origin.kind === "sample" ? "SAMPLE" : "RECORDING" };
}

/** "2026-11-22T04:51:04.123Z" → "2026-11-22 04:51:04 UTC"; anything else unchanged. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** The caption's two lines. */
export function captionLines(caption: Caption): [string, string] {
  const mark = caption.mark ? `${caption.mark} · ` : "";
  const taken = caption.mark ? "recorded" : "read";
  return [`${mark}Pod Anatomy · ${caption.title}`, `host ${caption.host} · ${taken} ${formatTime(caption.time)}`];
}

/** `pod-anatomy-<host>-<yyyymmdd-hhmmss>.<ext>`, safe as a file name. */
export function exportFileName(host: string, iso: string, ext: string): string {
  const safeHost = host.replace(/[^A-Za-z0-9.-]+/g, "_").replace(/^[.-]+/, "") || "host";
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  const stamp = m ? `${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}${m[6]}` : "unknown-time";
  return `pod-anatomy-${safeHost}-${stamp}.${ext}`;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);

/**
 * How much the caption grows with the drawing: 1 up to 1000 units wide, then in proportion,
 * so it reads the same on a slide whatever the drawing's size.
 */
export function captionScale(width: number): number {
  return Math.max(1, width / 1000);
}

/** Height of the caption band below a drawing `width` wide, in its units (px at 1×). */
export function captionHeight(width: number): number {
  return Math.round(84 * captionScale(width));
}
const CAPTION_FONT = "ui-sans-serif, system-ui, 'DejaVu Sans', Arial, sans-serif";

export interface ViewPicture {
  /** The view's <svg>, serialised, styles inlined (an `<svg xmlns=…>` element). */
  markup: string;
  /** Its size in px at 1×: the width and height of its viewBox. */
  width: number;
  height: number;
  /** The background behind it on the page, as a CSS colour. */
  background: string;
}

/**
 * The standalone SVG document: the view's drawing on its background, the caption below it,
 * long ids shortened or masked everywhere (text, titles, attributes).
 */
export function standaloneSvg(picture: ViewPicture, caption: Caption, ids: IdDisplay): { svg: string; width: number; height: number } {
  const { width, height } = picture;
  const total = height + captionHeight(width);
  const k = captionScale(width);
  const at = (v: number) => Math.round(v * k);
  const [line1, line2] = captionLines(caption).map(escapeXml) as [string, string];
  const markColor = caption.mark ? "#b45309" : "#0f172a"; // amber-700 on white: a recording stands out
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}">`,
    `<title>${line1} — ${line2}</title>`,
    `<rect width="${width}" height="${total}" fill="${escapeXml(picture.background)}"/>`,
    // The view's own <svg>, with its own viewBox, sized to the drawing area.
    picture.markup.replace(/^<svg\b/, `<svg x="0" y="0" width="${width}" height="${height}"`),
    `<g font-family="${CAPTION_FONT}">`,
    `<line x1="${at(24)}" x2="${width - at(24)}" y1="${height + at(8)}" y2="${height + at(8)}" stroke="#cbd5e1" stroke-width="${at(2)}"/>`,
    `<text x="${at(24)}" y="${height + at(40)}" font-size="${at(22)}" font-weight="700" fill="${markColor}">${line1}</text>`,
    `<text x="${at(24)}" y="${height + at(68)}" font-size="${at(17)}" fill="#334155">${line2}</text>`,
    `</g>`,
    `</svg>`,
  ].join("\n");
  return { svg: shortenIds(svg, ids), width, height: total };
}

/** Chromium's limits on a canvas: 32,767 px a side, 268,435,456 px in all. */
const MAX_SIDE = 32_767;
const MAX_AREA = 268_435_456;

/** Pixel size of a PNG at `scale`; throws when a browser canvas cannot hold it. */
export function pngSize(width: number, height: number, scale: number): { width: number; height: number } {
  const size = { width: Math.round(width * scale), height: Math.round(height * scale) };
  if (size.width > MAX_SIDE || size.height > MAX_SIDE || size.width * size.height > MAX_AREA) {
    throw new Error(`${size.width}×${size.height} px is more than a browser canvas holds: choose a smaller scale`);
  }
  return size;
}

/** `#rrggbb`, or `rgba(r,g,b,a)` when not opaque, from 0-255 channels. */
export function cssColor(r: number, g: number, b: number, a: number): string {
  if (a >= 255) return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  return `rgba(${r},${g},${b},${Math.round((a / 255) * 1000) / 1000})`;
}

// ---------------------------------------------------------------------------------------
// Browser only
// ---------------------------------------------------------------------------------------

/** Properties copied from the computed style of SVG elements: what decides how shapes and text look. */
const SVG_PROPERTIES = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-opacity",
  "paint-order",
  "opacity",
  "visibility",
  "font-family",
  "font-size",
  "font-style",
  "font-weight",
  "letter-spacing",
  "text-anchor",
  "dominant-baseline",
] as const;

/**
 * Properties copied from the computed style of HTML elements (a table, a list): the box, its
 * layout, its colours and its type. Sizes are copied as laid out, so the copy lays out the same.
 */
const HTML_PROPERTIES = [
  "display",
  "position",
  "top",
  "right",
  "bottom",
  "left",
  "box-sizing",
  "width",
  "height",
  ...["top", "right", "bottom", "left"].flatMap((side) => [`margin-${side}`, `padding-${side}`, `border-${side}-width`, `border-${side}-style`, `border-${side}-color`]),
  ...["top-left", "top-right", "bottom-right", "bottom-left"].map((corner) => `border-${corner}-radius`),
  "background-color",
  "box-shadow",
  "color",
  "opacity",
  "visibility",
  "font-family",
  "font-size",
  "font-style",
  "font-weight",
  "line-height",
  "letter-spacing",
  "text-align",
  "text-transform",
  "text-decoration-line",
  "white-space",
  "word-break",
  "overflow-wrap",
  "vertical-align",
  "list-style-type",
  "flex-direction",
  "flex-wrap",
  "flex-grow",
  "flex-shrink",
  "flex-basis",
  "align-items",
  "align-self",
  "justify-content",
  "row-gap",
  "column-gap",
  "grid-template-columns",
  "grid-template-rows",
  "grid-column-start",
  "grid-column-end",
  "grid-row-start",
  "grid-row-end",
  "border-collapse",
  "border-spacing",
  "table-layout",
] as const;

/** Inherited properties: a child only needs them where it differs from its parent. */
const INHERITED = new Set([
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-opacity",
  "paint-order", "visibility", "font-family", "font-size", "font-style", "font-weight", "letter-spacing", "text-anchor",
  "dominant-baseline", "color", "line-height", "text-align", "text-transform", "white-space", "word-break", "overflow-wrap",
  "list-style-type", "border-collapse", "border-spacing",
]);

/**
 * Values that are the initial value of the non-inherited properties above: not worth writing.
 * Not "0px": a <ul>, <p> or <h2> has margins and padding of its own that the page reset to 0.
 */
const INITIAL = new Set(["", "none", "normal", "auto", "static", "visible", "baseline", "1", "rgba(0, 0, 0, 0)", "row", "nowrap", "stretch"]);

/** Space around an HTML view in its picture, in px at 1×. */
const HTML_MARGIN = 24;

/** CSS colour functions a viewer may not know (Tailwind v4 uses oklch). */
const COLOR_FUNCTION = /\b(?:oklch|oklab|lab|lch|color|rgba?|hsla?)\([^)]*\)/g;

/** Converts any CSS colour the browser knows (oklch included) to sRGB hex, by painting one pixel. */
function colorConverter(): (value: string) => string {
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const cache = new Map<string, string>();
  const convert = (color: string) => {
    let hex = cache.get(color);
    if (hex === undefined && ctx) {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = "#000";
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(0, 0, 1, 1).data;
      hex = cssColor(r, g, b, a);
      cache.set(color, hex);
    }
    return hex ?? color;
  };
  // Every colour inside a value ("oklch(…) 0px 0px 0px 1px" of a box-shadow too).
  return (value) => value.replace(COLOR_FUNCTION, convert);
}

/** The first opaque background colour at or above `element`, white when there is none. */
function backgroundOf(element: Element): string {
  for (let at: Element | null = element; at; at = at.parentElement) {
    const color = getComputedStyle(at).backgroundColor;
    if (color && color !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(color)) return color;
  }
  return "#ffffff";
}

/** The visible exportable view on the page (`[data-export-view]`: an <svg>, or HTML such as a table), or null. */
export function findExportableView(root: ParentNode = document): Element | null {
  const views = [...root.querySelectorAll(`[${EXPORT_VIEW_ATTR}]`)];
  return views.find((view) => view.getClientRects().length > 0) ?? null;
}

/**
 * Copy `view` with the computed style of each element written into its style attribute,
 * without what only the page needs (classes, data-*, ARIA, tabindex, the pan/zoom transform).
 */
function cloneWithStyles(view: Element, toColor: (value: string) => string): Element {
  const clone = view.cloneNode(true) as Element;
  const originals = [view, ...view.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  originals.forEach((original, i) => {
    const copy = copies[i];
    if (!copy) return;
    const style = getComputedStyle(original);
    if (style.display === "none") {
      copy.remove();
      return;
    }
    // The root gets every property (a viewer's defaults are not the page's); the others only what differs.
    const parent = i > 0 && original.parentElement ? getComputedStyle(original.parentElement) : null;
    const properties = original instanceof SVGElement ? SVG_PROPERTIES : HTML_PROPERTIES;
    const declarations: string[] = [];
    for (const property of properties) {
      const value = style.getPropertyValue(property);
      // A border is all three of its side's width, style and colour, or nothing (its initial width is medium, not 0).
      const side = /^border-(top|right|bottom|left)-(?:width|style|color)$/.exec(property)?.[1];
      const skip = side
        ? style.getPropertyValue(`border-${side}-style`) === "none"
        : INHERITED.has(property)
          ? parent?.getPropertyValue(property) === value
          : i > 0 && property !== "display" && INITIAL.has(value);
      if (value && !skip) declarations.push(`${property}:${toColor(value)}`);
    }
    for (const name of copy.getAttributeNames()) {
      if (name === "class" || name === "style" || name === "tabindex" || name === "role" || name.startsWith("data-") || name.startsWith("aria-")) {
        copy.removeAttribute(name);
      }
    }
    if (declarations.length > 0) copy.setAttribute("style", declarations.join(";"));
  });
  return clone;
}

/**
 * Serialise a view with its computed styles inlined: an <svg> as itself (at its viewBox
 * size), an HTML view inside a <foreignObject> at its laid-out size.
 */
export function captureView(view: Element): ViewPicture {
  const toColor = colorConverter();
  const clone = cloneWithStyles(view, toColor);
  const background = toColor(backgroundOf(view));
  if (view instanceof SVGSVGElement) {
    const box = view.viewBox.baseVal;
    const rect = view.getBoundingClientRect();
    const [width, height] = box && box.width > 0 ? [box.width, box.height] : [rect.width, rect.height];
    for (const name of ["width", "height", "x", "y"]) clone.removeAttribute(name);
    return { markup: new XMLSerializer().serializeToString(clone), width: Math.round(width), height: Math.round(height), background };
  }
  const width = Math.ceil(Math.max(view.scrollWidth, view.getBoundingClientRect().width));
  const height = Math.ceil(Math.max(view.scrollHeight, view.getBoundingClientRect().height));
  (clone as HTMLElement).style.setProperty("width", `${width}px`);
  (clone as HTMLElement).style.setProperty("height", `${height}px`);
  (clone as HTMLElement).style.setProperty("margin", "0");
  const html = new XMLSerializer().serializeToString(clone);
  // A margin as wide as the pod graph's, around the content.
  const [outerWidth, outerHeight] = [width + 2 * HTML_MARGIN, height + 2 * HTML_MARGIN];
  return {
    markup:
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${outerWidth} ${outerHeight}">` +
      `<foreignObject x="${HTML_MARGIN}" y="${HTML_MARGIN}" width="${width}" height="${height}">${html}</foreignObject></svg>`,
    width: outerWidth,
    height: outerHeight,
    background,
  };
}

/** Draw a standalone SVG document into a PNG at `scale` (vector drawn at that size: crisp). */
export async function renderPng(svg: string, width: number, height: number, scale: number): Promise<Blob> {
  const size = pngSize(width, height, scale);
  // A data: URL, not a blob: one, so that Chromium does not taint the canvas when the
  // picture holds a <foreignObject> (an HTML view).
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error("the browser could not draw the exported SVG"));
    image.src = url;
  });
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas in this browser");
  ctx.drawImage(image, 0, 0, size.width, size.height);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the PNG"))), "image/png"),
  );
}

/** Save a blob as a file, the way a download link does. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give it a moment before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A picture of nothing yet (the graph before the first step drew anything): a box saying so. */
export function emptyPicture(text: string, width = 900, height = 600): ViewPicture {
  return {
    markup:
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}">` +
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-family="${CAPTION_FONT}" font-size="28" fill="#64748b">${escapeXml(text)}</text></svg>`,
    width,
    height,
    background: "#ffffff",
  };
}

/**
 * Two pictures side by side, each with its own caption line above it ("before step 2: …",
 * "after step 2: …"), scaled to one height, and the usual caption (title, host, time) below:
 * one standalone SVG document, ids shortened or masked.
 */
export function sideBySideSvg(
  left: { picture: ViewPicture; label: string },
  right: { picture: ViewPicture; label: string },
  caption: Caption,
  ids: IdDisplay,
): { svg: string; width: number; height: number } {
  const height = Math.max(left.picture.height, right.picture.height);
  const scaled = [left, right].map((p) => ({ ...p, w: Math.round((p.picture.width * height) / p.picture.height) }));
  const gap = Math.round(height / 30);
  const width = scaled[0]!.w + gap + scaled[1]!.w;
  const k = captionScale(width);
  const at = (v: number) => Math.round(v * k);
  const head = at(56);
  const body: string[] = [];
  let x = 0;
  for (const p of scaled) {
    body.push(`<rect x="${x}" y="${head}" width="${p.w}" height="${height}" fill="${escapeXml(p.picture.background)}" stroke="#cbd5e1" stroke-width="${at(2)}"/>`);
    body.push(`<text x="${x + at(12)}" y="${at(38)}" font-family="${CAPTION_FONT}" font-size="${at(26)}" font-weight="700" fill="#0f172a">${escapeXml(p.label)}</text>`);
    body.push(p.picture.markup.replace(/^<svg\b/, `<svg x="${x}" y="${head}" width="${p.w}" height="${height}"`));
    x += p.w + gap;
  }
  const inner = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${head + height}">`, `<rect width="${width}" height="${head + height}" fill="#ffffff"/>`, ...body, `</svg>`].join("\n");
  return standaloneSvg({ markup: inner, width, height: head + height, background: "#ffffff" }, caption, ids);
}
