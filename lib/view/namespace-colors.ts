/**
 * The view's palette: one accent colour per namespace type (spoke labels, legend, the
 * namespace table) and the marker of each image source. Pure: constants and a sort.
 *
 * Colours are hex values so they work both as SVG `fill` and as CSS `color`; every `text`
 * colour has at least 4.5:1 contrast on white (Tailwind's 700 shades, slate-600 for time).
 */
import type { ImageSource, NamespaceType } from "@/lib/model/types";

/** The order namespace types are shown in: the ones a pod shares first, as the story goes. */
export const NAMESPACE_ORDER: readonly NamespaceType[] = ["net", "ipc", "pid", "uts", "mnt", "cgroup", "user", "time"];

export interface NamespaceColor {
  /** Text and line colour, legible on white. */
  text: string;
  /** A light tint of the same hue for backgrounds and swatches. */
  tint: string;
}

export const NAMESPACE_COLORS: Record<NamespaceType, NamespaceColor> = {
  net: { text: "#1d4ed8", tint: "#dbeafe" }, // blue
  ipc: { text: "#7e22ce", tint: "#f3e8ff" }, // purple
  pid: { text: "#be123c", tint: "#ffe4e6" }, // rose
  uts: { text: "#0f766e", tint: "#ccfbf1" }, // teal
  mnt: { text: "#b45309", tint: "#fef3c7" }, // amber
  cgroup: { text: "#4d7c0f", tint: "#ecfccb" }, // lime
  user: { text: "#a21caf", tint: "#fae8ff" }, // fuchsia
  time: { text: "#475569", tint: "#e2e8f0" }, // slate
};

/** A sorted copy of `types`, in NAMESPACE_ORDER. */
export function sortNamespaceTypes(types: readonly NamespaceType[]): NamespaceType[] {
  return [...types].sort((a, b) => NAMESPACE_ORDER.indexOf(a) - NAMESPACE_ORDER.indexOf(b));
}

/** How the source of a container's image is marked: a label and a colour pair. */
export const IMAGE_SOURCE_MARKERS: Record<ImageSource, { label: string } & NamespaceColor> = {
  real: { label: "real image", text: "#047857", tint: "#d1fae5" },
  "stand-in": { label: "stand-in image", text: "#b45309", tint: "#fef3c7" },
  other: { label: "other image", text: "#475569", tint: "#f1f5f9" },
};
