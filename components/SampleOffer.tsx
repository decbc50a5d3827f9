"use client";

/**
 * With no Docker engine, offer the built-in sample: a snapshot recorded from a real demo pod
 * (public/samples/demo-pod.json, written by scripts/record-sample.ts), so a trainer without
 * Docker can still show what a pod is made of.
 */
import useSWR from "swr";
import { parseSnapshotFile, type LoadedSnapshot } from "@/lib/model/snapshot-schema";
import { formatTime } from "@/lib/view/export";

export const SAMPLE_URL = "/samples/demo-pod.json";

async function fetchSample(url: string): Promise<LoadedSnapshot> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const result = parseSnapshotFile(await res.text());
  if (!result.ok) throw new Error(`${result.error}: ${result.detail}`);
  if (!result.value.sample) throw new Error(`${url} is a snapshot, not a sample`);
  return result.value;
}

export default function SampleOffer({ onShow }: { onShow: (sample: LoadedSnapshot) => void }) {
  const { data, error } = useSWR(SAMPLE_URL, fetchSample, { revalidateOnFocus: false });
  if (error) {
    return (
      <p role="alert" className="mx-6 mt-3 text-sm text-red-800">
        The built-in sample could not be read: {(error as Error).message}
      </p>
    );
  }
  if (!data?.sample) return null;
  const { recordedAt, host } = data.sample;
  return (
    <div data-testid="sample-offer" className="mx-6 mt-3 flex flex-wrap items-center gap-3 rounded-md border border-slate-300 bg-white px-4 py-3">
      <button
        type="button"
        onClick={() => onShow(data)}
        className="rounded-md bg-indigo-600 px-4 py-2 text-base font-semibold text-white shadow hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        Show the sample pod (recorded {formatTime(recordedAt)} on {host})
      </button>
      <span className="text-sm text-slate-700">
        A real demo pod, recorded by Pod Anatomy where Docker ran, marked SAMPLE wherever it shows. This host&apos;s own namespaces stay live beside it.
      </span>
    </div>
  );
}
