import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { removeRunPods, RUN_LABEL } from "./support/demo-pod";

/**
 * A trainer steps through the demo pod on Podman (not Docker): after each Next step Podman
 * has exactly one more container (or none more after a probe); the graph highlights what the
 * step changed (the infra container's new namespaces and PID 1, the spoke nginx gained, the
 * phase, what ps showed) and the pod's timeline gains the step; Export before/after gives one
 * side-by-side PNG. One step is typed in a shell (the test runs the page's podman command
 * itself, against Podman's service) and the page marks it done. Publishes on POD_ANATOMY_STEPS_PODMAN_PORT (default 8885, not the shared 8880).
 */
const PORT = Number(process.env.POD_ANATOMY_STEPS_PODMAN_PORT ?? 8885);
const SOCKET = "unix:///run/podman/podman.sock";
const podman = (...args: string[]) => execFileSync("podman", ["--url", SOCKET, ...args], { encoding: "utf8", timeout: 60_000 }).trim();
const count = () => podman("ps", "-aq", "--filter", `label=${RUN_LABEL}`).split("\n").filter(Boolean).length;

test.afterAll(removeRunPods);

test("step by step on Podman: the highlight of each step, a typed step, the before/after export", async ({ page }) => {
  test.setTimeout(300_000);
  expect(count()).toBe(0);
  await page.goto(`/steps?entry=ghost-behind-nginx&runtime=podman&port=${PORT}`);
  await expect(page.getByLabel("Runtime for new pods")).toHaveValue("podman");
  const step = (i: number) => page.locator(`li[data-step="${i}"]`);
  // The first plan of a fresh server asks the runtime for its images (slow on a busy machine).
  await expect(page.locator("li[data-step]")).toHaveCount(5, { timeout: 120_000 });
  await expect(step(0).getByTestId("step-command")).toContainText(`podman pod create`);
  await expect(step(0).getByTestId("step-command")).toContainText(`-p 127.0.0.1:${PORT}:80`);

  // 1. The pod and its infra container: new namespaces, catatonit PID 1, the port, highlighted on the infra node.
  await step(0).getByRole("button", { name: "Next step" }).click();
  await expect(step(0)).toHaveAttribute("data-done", "true", { timeout: 120_000 });
  expect(count()).toBe(1);
  const infra = page.getByTestId("highlight-node");
  await expect(infra).toHaveCount(1);
  await expect(infra.getByTestId("highlight-label")).toContainText([/^new net ipc pid uts/, "PID 1: catatonit", "phase Pending", `publishes 127.0.0.1:${PORT} → 80`]);
  // The pod's timeline beside the graph gains the step, in Podman's words; the newest step is the current one.
  const timeline = page.getByTestId("step-timeline").locator("ol > li");
  await expect(timeline).toHaveCount(2);
  await expect(timeline.last()).toHaveAttribute("aria-current", "step");
  await expect(page.getByTestId("timeline-current")).toContainText("from podman events: container start");

  // 2. nginx joins: the spoke it gained glows, labelled with what it joined.
  await step(1).getByRole("button", { name: "Next step" }).click();
  await expect(step(1)).toHaveAttribute("data-done", "true", { timeout: 60_000 });
  expect(count()).toBe(2);
  await expect(step(1).getByTestId("step-narration")).toContainText(/demo-[0-9a-f]{6}-nginx joined demo-[0-9a-f]{6}-pause's net, ipc, pid, uts namespaces\./);
  const edge = page.getByTestId("highlight-edge");
  await expect(edge).toHaveCount(1);
  await expect(edge).toContainText("joined net ipc pid uts");
  // One more step, one more entry per thing it did: nginx created, joined, started.
  await expect(timeline).toHaveCount(5);
  await expect(timeline.nth(3)).toContainText(/demo-[0-9a-f]{6}-nginx joined demo-[0-9a-f]{6}-pause's net, ipc, pid, uts/);
  fs.mkdirSync("artifacts", { recursive: true });
  await page.getByTestId("step-timeline").screenshot({ path: "artifacts/step-timeline-podman.png" });
  // Presenting: the step just done, the current one, and the graph with the highlight, large.
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.getByTestId("presentation-toggle").click();
  await expect(step(0)).toBeHidden();
  await expect(page.getByTestId("highlight-edge")).toBeVisible();
  await page.screenshot({ path: "artifacts/step-highlight.png" });
  await page.keyboard.press("Escape");
  await expect(step(0)).toBeVisible();

  // Export before/after: one PNG, the two graphs side by side (wider than high).
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), page.getByRole("button", { name: "Export before/after" }).click()]);
  expect(download.suggestedFilename()).toMatch(/-step2-before-after\.png$/);
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const png = fs.readFileSync(file);
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  expect(width).toBeGreaterThan(height);
  fs.copyFileSync(file, "artifacts/step-before-after.png");
  await expect(page.getByTestId("step-exported")).toContainText(`(${width}×${height} px)`);

  // 3. ghost, typed in a shell against Podman's service: the page sees its effect.
  await step(2).getByRole("button", { name: "I'll type it" }).click();
  await expect(step(2).getByTestId("step-waiting")).toBeVisible();
  const command = (await step(2).getByTestId("step-command").textContent())!;
  expect(command.replace(/ \\\n\s+/g, " ")).toMatch(/^podman create --pod demo-[0-9a-f]{6} --name demo-[0-9a-f]{6}-ghost /);
  execFileSync("sh", ["-c", command], { stdio: "ignore", env: { ...process.env, CONTAINER_HOST: SOCKET } });
  await expect(step(2)).toHaveAttribute("data-done", "true", { timeout: 30_000 });
  await expect(step(2)).toContainText("Done (typed)");
  await expect(step(2).getByTestId("step-narration")).toContainText(/Seen: demo-[0-9a-f]{6}-ghost\./);
  expect(count()).toBe(3);
  await expect(page.getByTestId("highlight-edge")).toContainText("joined net ipc pid uts");
  await expect(page.getByTestId("highlight-label").filter({ hasText: "Pending → Running" })).toBeVisible();

  // 4. ps in nginx: catatonit is PID 1; highlighted on nginx and on the infra container. No container more.
  await step(3).getByRole("button", { name: "Next step" }).click();
  await expect(step(3).getByTestId("step-output")).toContainText(/^\s*1\s+0\s+\S+\s+catatonit$/m, { timeout: 30_000 });
  await expect(page.getByTestId("highlight-label").filter({ hasText: "ps: PID 1 is catatonit" })).toBeVisible();
  expect(count()).toBe(3);

  // 5. The blog answers inside the pod.
  await step(4).getByRole("button", { name: "Next step" }).click();
  await expect(step(4).getByTestId("step-output")).toContainText("Blog of pod", { timeout: 30_000 });
  await expect(page.getByTestId("highlight-label").filter({ hasText: /:80 answered: Blog of pod demo-/ })).toBeVisible();
  expect(count()).toBe(3);

  await page.getByRole("button", { name: "Start over" }).click();
  await expect(step(0)).toHaveAttribute("data-current", "true");
  await expect.poll(count, { timeout: 60_000 }).toBe(0);
});

/**
 * The same pod through the CRI: the steps are crictl commands with the JSON files they read;
 * crictl itself is not installed on these machines (Debian has no cri-tools), so the page
 * runs each step through the CRI socket and the test counts with containerd's own `ctr`.
 * Publishes on POD_ANATOMY_STEPS_CRI_PORT (default 8884).
 */
const CRI_PORT = Number(process.env.POD_ANATOMY_STEPS_CRI_PORT ?? 8884);
const criCount = () =>
  execFileSync("ctr", ["-a", "/run/containerd/containerd.sock", "-n", "k8s.io", "containers", "ls", "-q", `labels."io.pod-anatomy.run"==${RUN_LABEL.split("=")[1]}`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean).length;

test("step by step through the CRI: crictl commands and their JSON, the sandbox and the spokes highlighted", async ({ page }) => {
  test.setTimeout(300_000);
  expect(criCount()).toBe(0);
  await page.goto(`/steps?entry=ghost-behind-nginx&runtime=cri&port=${CRI_PORT}`);
  await expect(page.getByLabel("Runtime for new pods")).toHaveValue("cri");
  const step = (i: number) => page.locator(`li[data-step="${i}"]`);
  // The first plan of a fresh server asks the runtime for its images (slow on a busy machine).
  await expect(page.locator("li[data-step]")).toHaveCount(5, { timeout: 120_000 });
  await expect(step(0).getByTestId("step-command")).toHaveText("crictl runp pod.json");
  await step(0).getByTestId("step-files").locator("summary").click();
  await expect(step(0).getByTestId("step-files")).toContainText(`"host_port": ${CRI_PORT}`);

  await step(0).getByRole("button", { name: "Next step" }).click();
  await expect(step(0)).toHaveAttribute("data-done", "true", { timeout: 120_000 });
  expect(criCount()).toBe(1);
  await expect(page.getByTestId("highlight-label")).toContainText([/^new /, "PID 1: pause", "phase Pending", `publishes 127.0.0.1:${CRI_PORT} → 80`]);
  // The timeline gains the sandbox, told from the CRI's poll (it has no events).
  const timeline = page.getByTestId("step-timeline").locator("ol > li");
  await expect(timeline).toHaveCount(2);
  await expect(page.getByTestId("timeline-current")).toContainText("from CRI ListPodSandbox (poll, 1 s)");

  // "I'll type it" gives the whole script: the files, then the crictl lines.
  await step(1).getByRole("button", { name: "I'll type it" }).click();
  await expect(step(1).getByTestId("step-script")).toContainText("cat > nginx.json <<'EOF'");
  await expect(step(1).getByTestId("step-script")).toContainText('crictl start "$(crictl create "$POD" nginx.json pod.json)"');
  await step(1).getByRole("button", { name: "Next step" }).click();
  await expect(step(1)).toHaveAttribute("data-done", "true", { timeout: 60_000 });
  expect(criCount()).toBe(2);
  await expect(page.getByTestId("highlight-edge")).toContainText("joined net ipc pid uts");
  await expect(timeline).toHaveCount(5);
  await expect(timeline.last()).toContainText("nginx started");

  await step(2).getByRole("button", { name: "Next step" }).click();
  await expect(step(2)).toHaveAttribute("data-done", "true", { timeout: 60_000 });
  expect(criCount()).toBe(3);
  await expect(page.getByTestId("highlight-label").filter({ hasText: "Pending → Running" })).toBeVisible();
  await page.getByTestId("step-graph").screenshot({ path: "artifacts/step-highlight-cri.png" });

  await step(3).getByRole("button", { name: "Next step" }).click();
  await expect(step(3).getByTestId("step-output")).toContainText(/^\s*1\s+0\s+\S+\s+pause$/m, { timeout: 30_000 });
  expect(criCount()).toBe(3);

  await page.getByRole("button", { name: "Start over" }).click();
  await expect(step(0)).toHaveAttribute("data-current", "true");
  await expect.poll(criCount, { timeout: 60_000 }).toBe(0);
});
