import fs from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { deletePod, removeRunContainers } from "./support/demo-pod";

/**
 * What a trainer does with the catalogue: create each experiment, look at what it shows
 * (namespaces shared, PID 1, phases, zombies, names), run a probe, take a screenshot,
 * delete it; then compose a pod in the builder, watch the preview, create it.
 * Entry 1 (the demo pod on host port 8880) is e2e/demo-pod.spec.ts's.
 */
test.afterAll(removeRunContainers);

async function create(page: Page, entry: string): Promise<Locator> {
  const card = page.locator(`section[data-entry="${entry}"]`);
  await card.getByRole("button", { name: "Create" }).click();
  await expect(card.getByTestId("entry-notice")).toContainText("Created", { timeout: 90_000 });
  await expect(card.locator("[data-instance]")).toHaveCount(1);
  return card;
}

async function screenshotAndDelete(card: Locator, entry: string) {
  fs.mkdirSync("artifacts", { recursive: true });
  await card.screenshot({ path: `artifacts/catalogue-${entry}.png` });
  await card.locator("[data-instance]").getByRole("button", { name: "Delete" }).click();
  await expect(card.getByTestId("entry-notice")).toContainText("Deleted", { timeout: 60_000 });
  await expect(card.locator("[data-instance]")).toHaveCount(0);
}

const row = (card: Locator, containerSuffix: string) => card.locator(`tr[data-container$="-${containerSuffix}"]`);

test("the catalogue: each experiment one click away, shown, probed, deleted", async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto("/catalogue");
  await expect(page.locator("section[data-entry]")).toHaveCount(6);

  // 2. By hand: net and ipc shared, pid not; the sidecar reaches the app over 127.0.0.1.
  let card = await create(page, "by-hand");
  for (const member of ["app", "sidecar"]) {
    await expect(row(card, member).locator('[data-ns="net"]')).toHaveText("shared");
    await expect(row(card, member).locator('[data-ns="ipc"]')).toHaveText("shared");
    await expect(row(card, member).locator('[data-ns="pid"]')).toHaveText("own");
    await expect(row(card, member).locator('[data-ns="uts"]')).toHaveText("own");
  }
  await expect(row(card, "app").getByTestId("memory-limit")).toHaveText("256 MiB");
  await expect(row(card, "sidecar").getByTestId("memory-limit")).toHaveText("128 MiB");
  await expect(row(card, "sidecar").getByTestId("pid-one")).toHaveText("sleep");
  const probes = card.getByTestId("probes");
  await probes.getByLabel("Container").selectOption({ label: (await row(card, "sidecar").getAttribute("data-container"))! });
  await probes.getByLabel("Probe").selectOption("fetch");
  await probes.getByLabel("Port").fill("80");
  await probes.getByRole("button", { name: "Run" }).click();
  await expect(probes.getByTestId("probe-output")).toContainText(/<h1>by-hand-[0-9a-f]+-app<\/h1>/);
  await screenshotAndDelete(card, "by-hand");

  // 3. Init containers: they ran to completion, the pod is Running 2/2.
  card = await create(page, "init-and-emptydir");
  await expect(card.getByTestId("pod-phase")).toHaveText("Running");
  await expect(card.getByTestId("pod-ready")).toHaveText("READY 2/2");
  await expect(row(card, "write-site").locator("td").nth(1)).toHaveText("exited");
  await expect(row(card, "write-cache").locator("td").nth(1)).toHaveText("exited");
  const initProbes = card.getByTestId("probes");
  await initProbes.getByRole("button", { name: "Run" }).click();
  await expect(initProbes.getByTestId("probe-output")).toContainText("Written by init container");
  await screenshotAndDelete(card, "init-and-emptydir");

  // 4. Reaping: the orphan is reaped under pause, a zombie under sleep.
  card = await create(page, "reaping");
  const underPause = card.locator('[data-pod-facts^="reap-pause-"]');
  const underSleep = card.locator('[data-pod-facts^="reap-sleep-"]');
  await expect(underPause.getByTestId("zombies")).toHaveText("0");
  await expect(underSleep.getByTestId("zombies")).toHaveText("0");
  for (const pod of [underPause, underSleep]) {
    await pod.getByRole("button", { name: "Make an orphan" }).click();
    await expect(pod.getByTestId("orphans-made")).toContainText("sleep 1 as PID");
  }
  await expect(underSleep.getByTestId("zombies")).toHaveText("1");
  await expect(underPause.getByTestId("zombies")).toHaveText("0");
  await expect(underSleep).toContainText("<defunct>");
  await screenshotAndDelete(card, "reaping");

  // 5. Host namespaces.
  card = await create(page, "host-namespaces");
  for (const ns of ["net", "ipc", "pid", "uts"]) await expect(row(card, "shell").locator(`[data-ns="${ns}"]`)).toHaveText("host");
  await screenshotAndDelete(card, "host-namespaces");

  // 6. The node look-alike: dockershim names and labels, one pod.
  card = await create(page, "node-look-alike");
  await expect(card.locator('tr[data-container^="k8s_POD_web-"]')).toHaveCount(1);
  await expect(card.locator('tr[data-container^="k8s_web_web-"]')).toHaveCount(1);
  await expect(card.locator('tr[data-container^="k8s_sidecar_web-"]')).toHaveCount(1);
  await expect(card.getByLabel("Kubernetes labels")).toContainText("io.kubernetes.docker.type=podsandbox");
  await expect(card.locator("tr[data-container]").first()).toContainText("/kubepods/burstable/pod");
  await screenshotAndDelete(card, "node-look-alike");
});

test("the pod builder: live preview, errors beside the fields, copy, create", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/catalogue?view=builder");
  const docker = page.getByTestId("preview-docker");
  const yaml = page.getByTestId("preview-yaml");
  await expect(docker).toContainText("--name my-pod-pause");

  const name = `e2e-${Date.now().toString(36)}`;
  await page.getByLabel("Pod name").fill(name);
  await expect(docker).toContainText(`--name ${name}-web`);
  await expect(docker).toContainText(`--net container:${name}-pause`);
  await expect(yaml).toContainText(`name: ${name}`);
  await expect(yaml).toContainText("shareProcessNamespace: true");

  // uts cannot be shared, and says why.
  await expect(page.getByLabel("uts sandbox")).toBeDisabled();
  await expect(page.getByTestId("uts-explanation")).toContainText("Docker cannot join another container's uts namespace");

  // Host namespaces only behind a visible warning.
  await page.getByLabel("pid host").check();
  await expect(page.getByTestId("host-warning")).toBeVisible();
  await expect(yaml).toContainText("hostPID: true");
  await page.getByLabel("pid sandbox").check();
  await expect(page.getByTestId("host-warning")).toHaveCount(0);

  // A limit out of bounds: the error beside the field, no preview, no Create.
  const memory = page.locator('[data-builder-container="0"]').getByLabel("memory (MiB)");
  await memory.fill("99999");
  await expect(page.locator('[data-field-error="containers.0.limits.memoryMi"]')).toHaveText("at most 4096 MiB");
  await expect(page.getByRole("button", { name: "Create pod" })).toBeDisabled();
  await memory.fill("48");
  await expect(docker).toContainText("--memory 48m");
  await expect(yaml).toContainText("memory: 48Mi");

  await page.getByRole("button", { name: "Copy docker run" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await docker.textContent());

  await page.getByRole("button", { name: "Create pod" }).click();
  await expect(page.getByTestId("builder-notice")).toContainText(`Created pod ${name}: ${name}-pause, ${name}-web, ${name}-shell.`, { timeout: 90_000 });
  fs.mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/catalogue-builder.png", fullPage: true });

  // The same name again: refused, nothing more made.
  await page.getByRole("button", { name: "Create pod" }).click();
  await expect(page.getByTestId("builder-notice")).toContainText(`A pod named ${name} exists already.`);

  // Deleted through the app, which also removes its cgroup parent /pod-<name> (no runtime does).
  await page.goto("/");
  await deletePod(page, name);
});
