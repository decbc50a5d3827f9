import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import type { Container, Snapshot } from "@/lib/model/types";
import { createDemoPod, removeRunContainers, RUN_LABEL } from "./support/demo-pod";

/**
 * The views beside the graph, on the real engine: create the demo pod through the UI, run a
 * `--network host` container next to it, then open the namespace matrix, the cgroup tree
 * and the process tree, check what the kernel says is there, and save screenshots.
 */
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

// Whatever happens in this file, leave no container of this run behind.
test.afterAll(removeRunContainers);

async function snapshot(page: Page): Promise<Snapshot> {
  const res = await page.request.get("/api/snapshot");
  expect(res.ok()).toBe(true);
  return (await res.json()) as Snapshot;
}

function byName(snap: Snapshot, name: string): Container {
  const found = snap.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in the snapshot`);
  return found;
}

async function shoot(page: Page, name: string, testInfo: TestInfo) {
  fs.mkdirSync("artifacts", { recursive: true });
  const path = `artifacts/${name}.png`;
  await page.getByRole("tabpanel").screenshot({ path });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

test("namespace matrix, host node, cgroup tree and process tree of the demo pod", async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  await page.goto("/");
  await expect(page.getByTestId("engine-state")).not.toHaveText("unreachable");
  const podName = await createDemoPod(page);

  // A container in the host's network namespace, beside the pod, from the pod's own pause image.
  const pauseImage = docker("inspect", "-f", "{{.Config.Image}}", `${podName}-pause`);
  docker("run", "-d", "--name", `${podName}-hostnet`, "--network", "host", "--label", RUN_LABEL, pauseImage);

  // The new pod is in focus; the container beside it shows in the graph of everything.
  await page.getByRole("button", { name: "All pods" }).click();
  await page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: "Graph" }).click();

  let snap = await snapshot(page);
  await expect.poll(async () => (snap = await snapshot(page)).containers.some((c) => c.name === `${podName}-hostnet` && c.pid !== null)).toBe(true);
  const [pause, nginx, ghost, hostnet] = ["pause", "nginx", "ghost", "hostnet"].map((n) => byName(snap, `${podName}-${n}`)) as [Container, Container, Container, Container];
  const { host } = snap;

  // The graph: the host's namespaces as a node, a dashed "host net" edge from the --network host container only.
  const hostNode = page.getByTestId("host-node");
  await expect(hostNode).toContainText(`namespaces of PID ${host.namespacesFrom}`);
  await expect(page.locator(`[data-testid="host-edge-label"][data-edge="${hostnet.id}->host"]`)).toHaveText("host net");
  for (const c of [pause, nginx, ghost]) await expect(page.locator(`[data-edge="${c.id}->host"]`)).toHaveCount(0);

  // The tabs are keyboard reachable: from Graph, the right arrow selects Namespaces.
  const tabs = page.getByRole("tablist", { name: "Views" });
  await tabs.getByRole("tab", { name: "Graph" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(tabs.getByRole("tab", { name: "Namespaces" })).toHaveAttribute("aria-selected", "true");
  await expect(tabs.getByRole("tab", { name: "Namespaces" })).toBeFocused();

  // The matrix: nginx shares net, ipc and pid with the sandbox (same inodes), keeps its own mnt and uts.
  const matrix = page.getByTestId("ns-matrix");
  await expect(matrix).toBeVisible();
  const cell = (c: Container, ns: string) => matrix.locator(`td[data-container="${c.id}"][data-ns="${ns}"]`);
  for (const ns of ["net", "ipc", "pid"] as const) {
    await expect(cell(nginx, ns)).toHaveAttribute("data-kind", "shared");
    await expect(cell(nginx, ns)).toHaveAttribute("data-inode", String(pause.namespaces[ns]));
    await expect(cell(nginx, ns)).toContainText("shared with sandbox");
    await expect(cell(pause, ns)).toHaveAttribute("data-kind", "own");
    await expect(cell(pause, ns)).toContainText("joined by 2");
  }
  for (const ns of ["mnt", "uts"] as const) {
    await expect(cell(nginx, ns)).toHaveAttribute("data-kind", "own");
    await expect(cell(nginx, ns)).toHaveAttribute("data-inode", String(nginx.namespaces[ns]));
    expect(nginx.namespaces[ns]).not.toBe(pause.namespaces[ns]);
  }
  // --network host: the host's net namespace, and it says so.
  await expect(cell(hostnet, "net")).toHaveAttribute("data-kind", "host");
  await expect(cell(hostnet, "net")).toHaveAttribute("data-inode", String(host.namespaces.net));
  await expect(cell(hostnet, "net")).toHaveText(/^host/);
  await expect(cell(hostnet, "mnt")).toHaveAttribute("data-kind", "own");
  // Rows: the pod's sandbox first, then its members by name.
  const podRows = matrix.locator("tbody tr[data-container]");
  const order = await podRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-container")));
  const at = (c: Container) => order.indexOf(c.id);
  expect(at(pause)).toBeGreaterThanOrEqual(0);
  expect([at(ghost) - at(pause), at(nginx) - at(pause)]).toEqual([1, 2]);
  // A column's explanation shows on hover.
  const pidTip = matrix.locator("#ns-matrix-tip-pid");
  await expect(pidTip).toBeHidden();
  await matrix.locator('thead th[data-ns="pid"] [tabindex]').hover();
  await expect(pidTip).toBeVisible();
  await expect(pidTip).toHaveText("pid isolates process IDs: who is PID 1, who ps can see");
  await page.mouse.move(0, 0);
  await shoot(page, "ns-matrix", testInfo);

  // The cgroup tree: each container's cgroup, with its processes under it.
  await tabs.getByRole("tab", { name: "Cgroups" }).click();
  const tree = page.getByTestId("cgroup-tree");
  await expect(tree).toBeVisible();
  expect(nginx.cgroupPath, "the server reports the cgroup path of nginx").not.toBeNull();
  const nginxCgroup = tree.locator(`g[data-container="${nginx.id}"]`);
  await expect(nginxCgroup).toHaveAttribute("data-cgroup", nginx.cgroupPath!);
  await expect(nginxCgroup).toContainText("memory");
  await expect(nginxCgroup).toContainText("CPU");
  await expect(nginxCgroup).toContainText("pids");
  for (const c of [pause, nginx, ghost]) {
    await expect(tree.locator(`g[data-cgroup="${c.cgroupPath}"]`)).toHaveCount(1);
    await expect(tree.locator(`g[data-pid="${c.pid}"]`)).toHaveCount(1);
  }
  await shoot(page, "cgroup-tree", testInfo);

  // The processes: pause is PID 1 of the pod's pid namespace; nginx's init is another PID in it.
  await tabs.getByRole("tab", { name: "Processes" }).click();
  const processes = page.getByTestId("process-tree").locator(`section[data-group="${podName}"]`);
  await expect(processes).toBeVisible();
  const pauseRow = processes.locator(`tr[data-pid="${pause.pid}"]`);
  await expect(pauseRow).toHaveAttribute("data-pid-ns-init", "true");
  await expect(pauseRow).toContainText("PID 1 of its pid namespace");
  await expect(pauseRow).toContainText(`${pause.pid} → 1`);
  const nginxInit = snap.processes.find((p) => p.pid === nginx.pid)!;
  const nginxRow = processes.locator(`tr[data-pid="${nginx.pid}"]`);
  await expect(nginxRow).toContainText(`${nginx.pid} → ${nginxInit.nspid.at(-1)}`);
  await expect(nginxRow).not.toHaveAttribute("data-pid-ns-init", "true");
  await expect(processes.locator("tr[data-pid-ns-init]")).toHaveCount(1);
  await shoot(page, "processes", testInfo);

  // Delete the pod: it leaves every view.
  await page.locator(`[data-pod="${podName}"]`).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("notice")).toContainText(`Deleted pod ${podName}`, { timeout: 60_000 });
  await expect(processes).toHaveCount(0);
});
