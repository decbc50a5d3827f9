"use client";

/**
 * Export the current view (the visible `svg[data-export-view]`) as PNG at 1×, 2× or 4×, or as
 * SVG, with a caption saying what, where and when; long ids shortened, or masked for publishing.
 */
import { useState } from "react";
import {
  captureView,
  downloadBlob,
  exportFileName,
  findExportableView,
  EXPORT_VIEW_ATTR,
  renderPng,
  standaloneSvg,
  type Caption,
} from "@/lib/view/export";

const FORMATS = [
  { label: "PNG 1×", scale: 1 },
  { label: "PNG 2×", scale: 2 },
  { label: "PNG 4×", scale: 4 },
  { label: "SVG", scale: null },
] as const;

export interface ExportMenuProps {
  /** Host and time of what is shown, and whether it is a recording; the title comes from the view. */
  caption: Omit<Caption, "title"> | null;
}

export default function ExportMenu({ caption }: ExportMenuProps) {
  const [masked, setMasked] = useState(false);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function exportAs(scale: number | null) {
    const view = findExportableView();
    if (!caption || !view) {
      setStatus({ kind: "error", text: "Nothing to export: this view has no picture yet." });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const title = view.getAttribute(EXPORT_VIEW_ATTR) || "view";
      const doc = standaloneSvg(captureView(view), { ...caption, title }, masked ? "masked" : "short");
      const ext = scale === null ? "svg" : "png";
      const blob = scale === null ? new Blob([doc.svg], { type: "image/svg+xml" }) : await renderPng(doc.svg, doc.width, doc.height, scale);
      const name = exportFileName(caption.host, caption.time, ext);
      downloadBlob(blob, name);
      const size = scale === null ? `${doc.width}×${doc.height}` : `${Math.round(doc.width * scale)}×${Math.round(doc.height * scale)} px`;
      setStatus({ kind: "ok", text: `Saved ${name} (${size})` });
    } catch (err) {
      setStatus({ kind: "error", text: `Export failed: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <details data-testid="export-menu" data-control className="group relative">
      <summary className="cursor-pointer list-none rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600">
        Export <span aria-hidden="true">▾</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 flex w-72 flex-col gap-2 rounded-lg border border-slate-300 bg-white p-3 text-sm text-slate-900 shadow-lg">
        <p className="text-slate-700">The current view as a picture, with a caption: title, host, time.</p>
        <div className="grid grid-cols-2 gap-2">
          {FORMATS.map(({ label, scale }) => (
            <button
              key={label}
              type="button"
              disabled={busy}
              onClick={() => void exportAs(scale)}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60"
            >
              {label}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={masked} onChange={(e) => setMasked(e.target.checked)} className="h-4 w-4" />
          mask ids <span className="text-slate-600">(else shortened to 12 characters)</span>
        </label>
        {status && (
          <p role={status.kind === "error" ? "alert" : "status"} className={status.kind === "error" ? "text-red-800" : "text-emerald-800"}>
            {status.text}
          </p>
        )}
      </div>
    </details>
  );
}
