/**
 * Says, where it cannot be missed, that what is shown is not the live system: a RECORDING
 * (a snapshot file) or a SAMPLE (the built-in one), when and on which host it was taken.
 */
import { recordingOrigin, type LoadedSnapshot } from "@/lib/model/snapshot-schema";
import { formatTime } from "@/lib/view/export";

export interface RecordingBannerProps {
  loaded: LoadedSnapshot;
  /** Where it was loaded from: a file name, or "built-in sample". */
  source: string;
  onBackToLive: () => void;
}

export default function RecordingBanner({ loaded, source, onBackToLive }: RecordingBannerProps) {
  const origin = recordingOrigin(loaded);
  return (
    <section
      data-testid="recording-banner"
      data-kind={origin.kind}
      aria-label={origin.kind === "sample" ? "Sample" : "Recording"}
      className="mx-6 mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-md border-2 border-amber-500 bg-amber-50 px-4 py-3 text-amber-950"
    >
      <RecordingMark kind={origin.kind} />
      <p className="min-w-0 flex-1">
        <strong>
          {origin.kind === "sample" ? "A sample pod" : "A recorded snapshot"}, taken <time dateTime={origin.recordedAt}>{formatTime(origin.recordedAt)}</time> on host{" "}
          <span data-testid="recording-host">{origin.host}</span>
        </strong>{" "}
        — not this machine, not live.
        <span className="block text-sm">
          {origin.note ?? `From ${source}.`} {origin.kind === "sample" && `(${source})`}
        </span>
      </p>
      <button
        type="button"
        data-control
        onClick={onBackToLive}
        className="rounded-md bg-amber-800 px-4 py-2 text-sm font-semibold text-white hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        Back to live
      </button>
    </section>
  );
}

/** The word itself, as a badge: on the banner and in a corner of the picture. */
export function RecordingMark({ kind, className = "" }: { kind: "sample" | "recording"; className?: string }) {
  return (
    <span data-testid="recording-mark" className={`rounded bg-amber-700 px-2.5 py-1 text-base font-black tracking-widest text-white ${className}`}>
      {kind === "sample" ? "SAMPLE" : "RECORDING"}
    </span>
  );
}
