/**
 * Record the built-in sample (public/samples/demo-pod.json) from a running Pod Anatomy server
 * on which a demo pod exists. It starts nothing: create the pod first (the dashboard's
 * "Create demo pod", or POST /api/pods), then
 *
 *   npm run record-sample -- http://localhost:3000        (default: $POD_ANATOMY_URL or :3000)
 *
 * It reads GET /api/snapshot, validates it, keeps only the demo pod (its containers,
 * processes, namespaces, cgroups; the host facts as they were) and writes it with a
 * `sample: { recordedAt, host, note }` wrapper. The dashboard offers it when no engine answers.
 */
import fs from "node:fs";
import path from "node:path";
import { SnapshotSchema, snapshotFileText } from "@/lib/model/snapshot-schema";
import { snapshotOfPod } from "@/lib/model/snapshot-subset";
import { LABEL_SAMPLE } from "@/lib/model/types";

const OUT = path.join(process.cwd(), "public", "samples", "demo-pod.json");
const SAMPLE = "ghost-behind-nginx";

async function main() {
  const base = process.argv[2] ?? process.env.POD_ANATOMY_URL ?? "http://localhost:3000";
  const res = await fetch(new URL("/api/snapshot", base));
  if (!res.ok) throw new Error(`GET ${base}/api/snapshot: HTTP ${res.status} ${await res.text()}`);
  const snapshot = SnapshotSchema.parse(await res.json());

  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  const demoPods = snapshot.pods.filter((pod) => {
    const members = [pod.sandboxId, ...pod.memberIds].map((id) => byId.get(id));
    return (
      pod.source === "pod-anatomy" &&
      members.length === 3 &&
      members.every((c) => c !== undefined && c.state === "running" && c.labels[LABEL_SAMPLE] === SAMPLE)
    );
  });
  const pod = demoPods.sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (!pod) {
    throw new Error(`no running demo pod (${SAMPLE}, 3 containers) on ${base}: create one first ("Create demo pod")`);
  }

  const sample = snapshotOfPod(snapshot, pod.id);
  const images = [...new Set(sample.containers.map((c) => c.imageSource))].join(" and ");
  const engine = snapshot.engine.state === "ok" ? `Docker ${snapshot.engine.version}` : "Docker";
  const note = `The demo pod ${pod.name}: pause, nginx and ghost (${images} images), as Pod Anatomy read it from the kernel (${snapshot.host.kernel}, cgroup ${snapshot.host.cgroupVersion}) and ${engine}. Only this pod is kept.`;
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, snapshotFileText({ sample: { recordedAt: snapshot.takenAt, host: snapshot.host.hostname, note }, snapshot: sample }));
  console.log(`recorded pod ${pod.name} (${sample.containers.length} containers, ${sample.processes.length} processes) into ${OUT}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
