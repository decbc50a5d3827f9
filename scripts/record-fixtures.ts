/**
 * Record the unit-test fixtures of test/fixtures/demo-pod from a real demo pod: the raw
 * `docker inspect` JSON of its containers, the procfs facts of their processes and of
 * PID 1, and the host facts. Needs a running Docker engine and root.
 *
 *   npm run record-fixtures
 */
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { containerIdFromCgroups } from "@/lib/model/parse-proc";
import { createCatalogueEntry } from "@/lib/server/pod-creator";
import { deletePod } from "@/lib/server/pods";
import { DockerodeClient } from "@/lib/server/docker";
import { readHostFacts, scanProcesses } from "@/lib/server/procfs";

const OUT = path.join(process.cwd(), "test", "fixtures", "demo-pod");
const POD = "demo-recorded"; // the demo pod ("ghost-behind-nginx") with the suffix "recorded"

async function main() {
  const client = new DockerodeClient();
  const docker = new Docker();
  await deletePod(client, POD); // a leftover of an interrupted recording
  const [pod] = await createCatalogueEntry(client, "ghost-behind-nginx", { suffix: "recorded" });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // let the proxy and the web server start
    const inspect = await Promise.all(pod!.containers.map((c) => docker.getContainer(c.id).inspect()));
    const ids = new Set(inspect.map((c) => c.Id));
    const scan = scanProcesses();
    const host = readHostFacts();
    const processes = scan.processes.filter((p) => p.pid === host.namespacesFrom || ids.has(containerIdFromCgroups(p.cgroups) ?? ""));
    const version = await client.version();
    fs.mkdirSync(OUT, { recursive: true });
    const write = (name: string, data: unknown) => fs.writeFileSync(path.join(OUT, name), JSON.stringify(data, null, 2) + "\n");
    write("inspect.json", inspect);
    write("processes.json", processes);
    write("host.json", host);
    write("engine.json", { state: "ok", endpoint: client.endpoint, ...version });
    console.log(`recorded ${inspect.length} containers and ${processes.length} processes into ${OUT}`);
  } finally {
    await deletePod(client, POD);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
