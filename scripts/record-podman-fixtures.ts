/**
 * Record the unit-test fixtures of test/fixtures/podman from a real Podman (libpod API at
 * /run/podman/podman.sock or CONTAINER_HOST; scripts/runtimes/podman.sh ensure_podman starts
 * one) and Docker (for the stand-in images): the demo pod made by the Podman adapter, plus a
 * container outside any pod that exited with code 3. Saved raw, as the service answered:
 *   pods.json        GET /libpod/pods/json
 *   containers.json  GET /libpod/containers/json?all=true
 *   inspect.json     GET /libpod/containers/<id>/json of each, keyed by id
 *   version.json     GET /libpod/version;  ping-headers.json  the headers of GET /libpod/_ping
 *   events.ndjson    the event stream while the pod was made and removed
 * Everything it makes carries POD_ANATOMY_RUN_ID's label (podman-dev-record) and is removed.
 *
 *   npx tsx --conditions react-server scripts/record-podman-fixtures.ts
 */
import fs from "node:fs";
import path from "node:path";
import { DockerodeClient } from "@/lib/server/docker";
import { PodmanRuntime } from "@/lib/server/runtimes/podman/adapter";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, LABEL_RUN } from "@/lib/model/types";

const OUT = path.join(process.cwd(), "test", "fixtures", "podman");
const RUN = (process.env.POD_ANATOMY_RUN_ID ??= "podman-dev-record");
const POD = "demo-recorded";
const ALONE = "pa-recorded-exited";

const save = (name: string, data: unknown) => fs.writeFileSync(path.join(OUT, name), typeof data === "string" ? data : `${JSON.stringify(data, null, 2)}\n`);

async function main() {
  const rt = new PodmanRuntime({ docker: new DockerodeClient() });
  const c = rt.client;
  await rt.deletePod(POD);
  await c.call("DELETE", `/containers/${ALONE}`, { query: { force: true }, timeoutMs: 10_000 }).catch(() => undefined);

  const abort = new AbortController();
  const events: string[] = [];
  const stream = await c.openEvents({ type: ["container", "pod"] }, abort.signal);
  const reading = (async () => {
    for await (const e of stream) events.push(JSON.stringify(e));
  })().catch(() => undefined);

  try {
    await rt.pods.createCatalogueEntry("ghost-behind-nginx", { suffix: "recorded", hostPort: 8882 });
    const [pod] = await rt.pods.podContainers(POD);
    const busybox = (await rt.pods.imageChoices()).find((i) => i.role === "busybox" && i.present)?.ref ?? pod!.image;
    const { Id } = (await c.post("/containers/create", {
      name: ALONE,
      image: (await rt.pods.podContainers(POD)).find((x) => x.name.endsWith("-ghost"))?.image ?? busybox,
      entrypoint: ["sh"],
      command: ["-c", "exit 3"],
      labels: { [LABEL_APP]: LABEL_APP_VALUE, [LABEL_POD]: ALONE, [LABEL_RUN]: RUN },
    })) as { Id: string };
    await c.post(`/containers/${Id}/start`, null);
    await c.post(`/containers/${Id}/wait`, null, { timeoutMs: 20_000, query: { condition: "exited" } });

    const pods = await c.get("/pods/json");
    const containers = (await c.get("/containers/json", { query: { all: true }, timeoutMs: 5000 })) as { Id: string }[];
    const inspect: Record<string, unknown> = {};
    for (const x of containers) inspect[x.Id] = await c.get(`/containers/${x.Id}/json`);
    fs.mkdirSync(OUT, { recursive: true });
    save("pods.json", pods);
    save("containers.json", containers);
    save("inspect.json", inspect);
    save("version.json", await c.version());
    save("ping-headers.json", await c.ping());
  } finally {
    await rt.deletePod(POD);
    await c.call("DELETE", `/containers/${ALONE}`, { query: { force: true }, timeoutMs: 10_000 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    abort.abort();
    await reading;
    save("events.ndjson", `${events.join("\n")}\n`);
  }
  console.log(`recorded ${events.length} events into ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
