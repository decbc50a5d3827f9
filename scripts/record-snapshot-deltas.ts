/**
 * Records the snapshots the delta tests replay (test/fixtures/snapshots/): a running server
 * ($POD_ANATOMY_URL, started with POD_ANATOMY_RUN_ID) is asked for its snapshot before and
 * after what a trainer does in a terminal — two demo pods made with the docker CLI, then a
 * third container started, then one pod removed — and each answer is saved as it came.
 * Everything made carries the run label and is removed at the end, also on failure.
 *
 *   POD_ANATOMY_URL=http://localhost:3103 POD_ANATOMY_RUN_ID=perf-helper \
 *     npx tsx --conditions react-server scripts/record-snapshot-deltas.ts
 */
import fs from "node:fs";
import path from "node:path";
import { LABEL_RUN } from "@/lib/model/types";
import { DockerodeClient } from "@/lib/server/docker";
import { BASE_URL, removeByLabel } from "@/test/support/api";
import { sleep } from "./bench/exec";
import { createPod, demoPlanner, removeContainers } from "./bench/pods";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("set POD_ANATOMY_RUN_ID (the server's): what this makes carries it");
const OUT = path.join(process.cwd(), "test", "fixtures", "snapshots");

async function snapshot(name: string): Promise<void> {
  await sleep(1_500); // past the server's reuse window (SNAPSHOT_REUSE_MS): a snapshot of its own
  const res = await fetch(`${BASE_URL}/api/snapshot`);
  if (!res.ok) throw new Error(`GET /api/snapshot: HTTP ${res.status}`);
  const body = JSON.stringify(await res.json(), null, 1);
  fs.writeFileSync(path.join(OUT, `${name}.json`), body + "\n");
  console.log(`${name}.json: ${body.length} bytes, version ${res.headers.get("x-snapshot-version")}`);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const plan = await demoPlanner(new DockerodeClient(), RUN_ID!);
  const [a, b, c] = ["rec1", "rec2", "rec3"].map((s) => plan(`${RUN_ID}-${s}`, null));
  await createPod(a!);
  await createPod(b!);
  await snapshot("two-pods");
  // A third container, started in a terminal: the sandbox of a pod (pod c's, alone).
  await createPod({ ...c!, names: c!.names.slice(0, 1), runs: c!.runs.slice(0, 1) });
  await snapshot("container-started");
  await removeContainers(a!.names);
  await snapshot("pod-removed");
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => removeByLabel(`${LABEL_RUN}=${RUN_ID}`));
