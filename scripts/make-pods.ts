/**
 * Make N demo pods with the docker CLI, as the benchmark does (scripts/bench/pods.ts: the
 * demo pod's own `docker run` commands, no published port), each labelled with a run id so
 * whoever made them removes exactly them. Used by e2e/overview.spec.ts.
 *
 *   tsx --conditions react-server scripts/make-pods.ts --run RUN_ID --count 60 --prefix ov
 *
 * Pods are named `demo-<prefix><i>` (i = 1…N, not zero-padded: natural order is tested on
 * them). Prints `{"pods":[…names…]}` on stdout.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { DockerodeClient } from "@/lib/server/docker";
import { createPods, demoPlanner } from "./bench/pods";

const Args = z.object({
  run: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a run id: letters, digits, _ . -"),
  count: z.coerce.number().int().min(1).max(200),
  prefix: z.string().regex(/^[a-z0-9]{1,12}$/, "1-12 lower-case letters or digits"),
});

async function main() {
  const { values } = parseArgs({ options: { run: { type: "string" }, count: { type: "string" }, prefix: { type: "string" } } });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: make-pods.ts --run RUN_ID --count N --prefix P (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
    process.exit(2);
  }
  const { run, count, prefix } = parsed.data;
  const plan = await demoPlanner(new DockerodeClient(), run);
  const pods = Array.from({ length: count }, (_, i) => plan(`${prefix}${i + 1}`, null));
  await createPods(pods);
  console.log(JSON.stringify({ pods: pods.map((p) => p.pod) }));
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
