import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { createDemoPod, deletePod, removeRunPods } from "./support/demo-pod";

/**
 * What a trainer on a Kubernetes node does: pick the node's runtime (containerd, through the
 * CRI) beside Docker, click "Create demo pod", and see the pod the kubelet's calls make —
 * its sandbox as the hub, the runtime named on the pod. Screenshots for the slides.
 */
test.afterAll(removeRunPods);

async function pickRuntime(page: Page, label: RegExp) {
  const select = page.getByLabel("Runtime for new pods");
  await expect(select).toBeVisible();
  const option = select.locator("option", { hasText: label });
  await select.selectOption((await option.getAttribute("value"))!);
}

async function shoot(page: Page, name: string, attach: (name: string, opts: { path: string; contentType: string }) => Promise<void>) {
  fs.mkdirSync("artifacts", { recursive: true });
  const path = `artifacts/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await attach(name, { path, contentType: "image/png" });
}

test("create the demo pod through the CRI from the page: the pod sandbox is the hub, the pod says containerd (CRI)", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByTestId("runtime-cri")).toContainText(/containerd \(CRI\)/);
  await pickRuntime(page, /containerd \(CRI\)/);
  const podName = await createDemoPod(page);
  await expect(page.getByTestId("notice")).toContainText("on containerd (CRI)");

  const item = page.locator(`[data-pod="${podName}"]`);
  await expect(item).toHaveAttribute("data-runtime", "containerd");
  await expect(item.getByTestId("pod-runtime")).toHaveText("containerd (CRI)");
  await expect(item).toContainText("ready");

  // The hub: the CRI's pod sandbox (pause), with nginx and ghost as spokes sharing net, ipc, uts and pid.
  const hub = page.locator(`g[data-role="sandbox"]`, { hasText: `${podName}-POD` });
  await expect(hub).toBeVisible();
  const hubId = await hub.getAttribute("data-id");
  const spokes = page.locator(`[data-testid="spoke-label"][data-edge^="${hubId}->"]`);
  await expect(spokes).toHaveCount(2);
  // Each spoke's label once the kernel shows the members' namespaces (a member just started may not have them yet).
  for (let i = 0; i < 2; i++) for (const ns of ["net", "ipc", "uts", "pid"]) await expect(spokes.nth(i)).toContainText(ns);

  await shoot(page, "cri-demo-pod", testInfo.attach.bind(testInfo));
  await deletePod(page, podName);
  await expect(page.locator(`g[data-id="${hubId}"]`)).toHaveCount(0);
});

test("a Podman pod beside a Docker pod: each drawn by its runtime, Podman's infra container as the hub", async ({ page }, testInfo) => {
  // A Docker pod first, from the catalogue (no published port: the Podman demo pod takes 8880).
  await page.goto("/catalogue");
  const card = page.locator(`section[data-entry="by-hand"]`);
  await card.getByRole("button", { name: "Create" }).click();
  await expect(card.getByTestId("entry-notice")).toContainText(/Created (by-hand-[0-9a-f]+) on Docker/, { timeout: 90_000 });
  const dockerPod = /Created (by-hand-[0-9a-f]+)/.exec((await card.getByTestId("entry-notice").textContent()) ?? "")![1]!;

  await page.goto("/");
  await expect(page.getByTestId("runtime-podman")).toHaveAttribute("data-state", "ok");
  await pickRuntime(page, /Podman/);
  const podName = await createDemoPod(page);
  await expect(page.getByTestId("notice")).toContainText("on Podman");

  const podman = page.locator(`[data-pod="${podName}"]`);
  await expect(podman).toHaveAttribute("data-runtime", "podman");
  await expect(podman.getByTestId("pod-runtime")).toHaveText("Podman");
  await expect(podman).toContainText("(infra container)");
  // The new pod is in focus: its infra container is the hub.
  const hub = page.locator(`g[data-role="sandbox"]`, { hasText: `${podName}-pause` });
  await expect(hub).toBeVisible();
  const hubId = await hub.getAttribute("data-id");
  const spokes = page.locator(`[data-testid="spoke-label"][data-edge^="${hubId}->"]`);
  await expect(spokes).toHaveCount(2);
  // Each spoke's label once the kernel shows the members' namespaces (a member just started may not have them yet).
  for (let i = 0; i < 2; i++) for (const ns of ["net", "ipc", "uts", "pid"]) await expect(spokes.nth(i)).toContainText(ns);

  // Beside the Docker pod: the overview's tiles name each runtime; the graph of all pods draws both.
  await page.getByRole("button", { name: "All pods" }).click();
  await expect(page.locator(`[data-testid="pod-tile"][data-tile-name="${podName}"]`)).toHaveAttribute("data-runtime", "podman");
  await expect(page.locator(`[data-testid="pod-tile"][data-tile-name="${dockerPod}"]`)).toHaveAttribute("data-runtime", "docker");
  await page.getByRole("tab", { name: "Graph" }).click();
  await expect(hub).toBeVisible();
  await expect(page.locator(`g[data-role="sandbox"]`, { hasText: `${dockerPod}-pause` })).toBeVisible();
  const docker = page.locator(`[data-pod="${dockerPod}"]`);
  await expect(docker).toHaveAttribute("data-runtime", "docker");
  await expect(docker.getByTestId("pod-runtime")).toHaveText("Docker");

  await shoot(page, "podman-beside-docker", testInfo.attach.bind(testInfo));
  await deletePod(page, podName);
  await deletePod(page, dockerPod);
});
