"use client";

/**
 * Snapshots as files: download what is shown as JSON, load one with the file picker or by
 * dropping it anywhere on the page. Every file is validated (lib/model/snapshot-schema.ts)
 * before it is shown.
 */
import { useEffect, useRef, useState } from "react";
import { MAX_SNAPSHOT_FILE_BYTES, parseSnapshotFile, snapshotFileText, type LoadedSnapshot } from "@/lib/model/snapshot-schema";
import { downloadBlob, exportFileName } from "@/lib/view/export";

export interface SnapshotFileProps {
  /** What is shown now: downloaded as it is (a sample keeps its wrapper). */
  current: LoadedSnapshot | null;
  onLoad: (loaded: LoadedSnapshot, fileName: string) => void;
  onError: (error: string, detail: string) => void;
}

const BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-not-allowed disabled:opacity-60";

const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;

export default function SnapshotFile({ current, onLoad, onError }: SnapshotFileProps) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  // The latest callbacks, for the window listeners attached once.
  const handlers = useRef({ onLoad, onError });
  useEffect(() => {
    handlers.current = { onLoad, onError };
  });

  useEffect(() => {
    let depth = 0; // dragenter/dragleave fire for every element crossed
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault(); // allows the drop
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) void readFile(file, handlers.current);
    };
    window.addEventListener("dragenter", onEnter);
    window.addEventListener("dragleave", onLeave);
    window.addEventListener("dragover", onOver);
    window.addEventListener("drop", onDrop);
    return () => {
      window.removeEventListener("dragenter", onEnter);
      window.removeEventListener("dragleave", onLeave);
      window.removeEventListener("dragover", onOver);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  function download() {
    if (!current) return;
    const { snapshot, sample } = current;
    const name = exportFileName(sample?.host ?? snapshot.host.hostname, sample?.recordedAt ?? snapshot.takenAt, "json");
    downloadBlob(new Blob([snapshotFileText(current)], { type: "application/json" }), name);
  }

  return (
    <div className="flex items-center gap-2" data-control>
      <button type="button" onClick={download} disabled={!current} className={BUTTON} title="Save what is shown as a JSON file, to show it anywhere later">
        Download snapshot
      </button>
      <button type="button" onClick={() => input.current?.click()} className={BUTTON} title="Show a snapshot file (or drop one anywhere on the page)">
        Load snapshot…
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        aria-label="Snapshot file to load"
        data-testid="snapshot-file-input"
        className="sr-only"
        tabIndex={-1}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = ""; // choosing the same file again still loads it
          if (file) void readFile(file, { onLoad, onError });
        }}
      />
      {dragging && (
        <div className="pointer-events-none fixed inset-0 z-50 flex items-center justify-center bg-slate-900/60" aria-hidden="true">
          <p className="rounded-xl border-4 border-dashed border-white bg-slate-900 px-10 py-8 text-2xl font-bold text-white">
            Drop a Pod Anatomy snapshot (.json) to show it
          </p>
        </div>
      )}
    </div>
  );
}

async function readFile(file: File, { onLoad, onError }: Pick<SnapshotFileProps, "onLoad" | "onError">) {
  if (file.size > MAX_SNAPSHOT_FILE_BYTES) {
    onError("Snapshot file too large", `${file.name} is ${file.size} bytes; a snapshot is at most ${MAX_SNAPSHOT_FILE_BYTES} bytes.`);
    return;
  }
  const result = parseSnapshotFile(await file.text());
  if (result.ok) onLoad(result.value, file.name);
  else onError(`${file.name}: ${result.error}`, result.detail);
}
