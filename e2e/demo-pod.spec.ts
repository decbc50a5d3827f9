import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { createDemoPod, deletePod, removeRunContainers } from "./support/demo-pod";

/**
 * What a trainer does: open the dashboard, click "Create demo pod", see the pause
 * container as the hub with nginx and ghost as spokes, open a container, take a
 * screenshot, delete the pod.
 */
// Whatever happens in this file, leave no container of this run behind.
test.afterAll(removeRunContainers);

test("create the demo pod, see the hub and its spokes, inspect a container, delete the pod", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Pod Anatomy" })).toBeVisible();
  await expect(page.getByTestId("engine-state")).not.toHaveText("unreachable");

  const podName = await createDemoPod(page);

  // The hub: the pod's pause container, drawn as the sandbox.
  const hub = page.locator(`g[data-role="sandbox"]`, { hasText: `${podName}-pause` });
  await expect(hub).toBeVisible();
  const hubId = await hub.getAttribute("data-id");
  expect(hubId).toMatch(/^[0-9a-f]{64}$/);

  // Two spokes from the hub, each labelled with the shared namespaces.
  const spokes = page.locator(`[data-testid="spoke-label"][data-edge^="${hubId}->"]`);
  await expect(spokes).toHaveCount(2);
  for (const label of await spokes.allTextContents()) {
    for (const ns of ["net", "ipc", "pid"]) expect(label).toContain(ns);
  }

  // A member's details: the namespace table as ls -l /proc/PID/ns shows it.
  await page.locator(`g[data-role="member"]`, { hasText: `${podName}-nginx` }).click();
  const details = page.getByTestId("container-details");
  await expect(details).toContainText(`${podName}-nginx`);
  await expect(details.getByTestId("ns-table").locator('[data-ns="net"]')).toContainText(/net:\[\d+\]/);
  await expect(details.getByTestId("ns-table").locator('[data-ns="net"]')).toContainText(`${podName}-pause`);
  await expect(details).toContainText("PID 1");

  // Screenshots, as a trainer would take them: the whole page, and what fits on the screen.
  fs.mkdirSync("artifacts", { recursive: true });
  for (const [name, fullPage] of [["demo-pod", true], ["demo-pod-viewport", false]] as const) {
    const shot = `artifacts/${name}.png`;
    await page.screenshot({ path: shot, fullPage });
    await testInfo.attach(name, { path: shot, contentType: "image/png" });
  }

  // Delete: the pod disappears from the graph without a reload.
  await deletePod(page, podName);
  await expect(page.locator(`g[data-id="${hubId}"]`)).toHaveCount(0);
});
