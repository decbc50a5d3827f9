/**
 * Remove the CRI pods carrying a label (KEY=VALUE), as scripts/runtimes/containerd.sh
 * remove_run_cri_pods asks: containers stopped and removed, then each sandbox stopped and
 * removed (its netns under /run/netns, its veth, its cgroups), then its pod cgroup (the
 * kubelet's part). Endpoint: CONTAINER_RUNTIME_ENDPOINT, else containerd's.
 *
 *   npx tsx --conditions react-server scripts/remove-cri-pods.ts io.pod-anatomy.run=RUN_ID
 */
import { verboseInfo } from "@/lib/model/cri-facts";
import { CriClient, defaultCriEndpoint } from "@/lib/server/runtimes/cri/client";
import { removePodCgroup } from "@/lib/server/runtimes/cri/pod-cgroups";

async function main() {
  const [key, value] = (process.argv[2] ?? "").split("=", 2);
  if (!key || value === undefined) throw new Error("usage: remove-cri-pods.ts KEY=VALUE");
  const client = new CriClient({ endpoint: defaultCriEndpoint() });
  try {
    const selector = { label_selector: { [key]: value } };
    const containers = await client.listContainers(selector);
    for (const c of containers) {
      await client.stopContainer(c.id, 1).catch(() => undefined);
      await client.removeContainer(c.id).catch(() => undefined);
    }
    const sandboxes = await client.listPodSandbox(selector);
    for (const s of sandboxes) {
      const info = verboseInfo((await client.podSandboxStatus(s.id).catch(() => null))?.info);
      const parent = (info.config as { linux?: { cgroup_parent?: string } } | undefined)?.linux?.cgroup_parent;
      await client.stopPodSandbox(s.id);
      await client.removePodSandbox(s.id);
      if (parent) removePodCgroup(parent);
    }
    if (containers.length + sandboxes.length > 0) console.log(`[pod-anatomy] removed ${sandboxes.length} CRI pod(s), ${containers.length} container(s) labelled ${key}=${value}`);
  } finally {
    client.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[pod-anatomy] remove-cri-pods: ${(err as Error).message}`);
  process.exit(1);
});
