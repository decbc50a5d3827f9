import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { removeRunContainers, RUN_LABEL } from "./support/demo-pod";

/**
 * A trainer steps through the demo pod on Docker: after each Next step the engine has
 * exactly one more container (or ran one probe and has none more), the narration says what
 * changed; one step is typed in a shell (here: the test runs the page's command itself) and
 * the page marks it done. It publishes on POD_ANATOMY_STEPS_PORT (?port=; default 8880, the
 * entry's own: then run it under `flock /tmp/pa-8880.lock`).
 */
const PORT = Number(process.env.POD_ANATOMY_STEPS_PORT ?? 8880);
test.afterAll(removeRunContainers);

const count = () => execFileSync("docker", ["ps", "-aq", "--filter", `label=${RUN_LABEL}`], { encoding: "utf8" }).split("\n").filter(Boolean).length;

test("step by step: the demo pod, one command at a time", async ({ page }) => {
  test.setTimeout(300_000);
  expect(count()).toBe(0);
  await page.goto(`/steps?entry=ghost-behind-nginx${PORT === 8880 ? "" : `&port=${PORT}`}`);
  const step = (i: number) => page.locator(`li[data-step="${i}"]`);
  await expect(page.locator("li[data-step]")).toHaveCount(5);

  // 1. pause, alone: new namespaces, a new PID 1.
  await expect(step(0)).toHaveAttribute("data-current", "true");
  await expect(step(0).getByTestId("step-command")).toContainText(`-p 127.0.0.1:${PORT}:80`);
  await step(0).getByRole("button", { name: "Next step" }).click();
  await expect(step(0)).toHaveAttribute("data-done", "true", { timeout: 120_000 });
  expect(count()).toBe(1);
  await expect(step(0).getByTestId("step-narration")).toContainText(/New container: demo-[0-9a-f]{6}-pause\./);
  await expect(step(0).getByTestId("step-narration")).toContainText("New namespaces: ");
  await expect(step(0).getByTestId("step-narration")).toContainText("New PID 1 of a pid namespace: /pause");

  // 2. nginx joins pause's namespaces.
  await step(1).getByRole("button", { name: "Next step" }).click();
  await expect(step(1)).toHaveAttribute("data-done", "true", { timeout: 60_000 });
  expect(count()).toBe(2);
  await expect(step(1).getByTestId("step-narration")).toContainText(/demo-[0-9a-f]{6}-nginx joined demo-[0-9a-f]{6}-pause's net, ipc, pid namespaces\./);

  // Presenting: the step just done and the current one, nothing else.
  await page.getByTestId("presentation-toggle").click();
  await expect(step(0)).toBeHidden();
  await expect(step(1)).toBeVisible();
  await expect(step(2)).toBeVisible();
  fs.mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/steps-presenting.png" });
  await page.keyboard.press("Escape");
  await expect(step(0)).toBeVisible();

  // 3. ghost, typed in a shell: the page sees its effect.
  await step(2).getByRole("button", { name: "I'll type it" }).click();
  await expect(step(2).getByTestId("step-waiting")).toBeVisible();
  const command = (await step(2).getByTestId("step-command").textContent())!;
  expect(command.replace(/ \\\n\s+/g, " ")).toMatch(/^docker run -d --name demo-[0-9a-f]{6}-ghost /);
  execFileSync("sh", ["-c", command], { stdio: "ignore" });
  await expect(step(2)).toHaveAttribute("data-done", "true");
  await expect(step(2)).toContainText("Done (typed)");
  await expect(step(2).getByTestId("step-narration")).toContainText(/Seen: demo-[0-9a-f]{6}-ghost\./);
  await expect(step(2).getByTestId("step-narration")).toContainText(/demo-[0-9a-f]{6}-ghost joined demo-[0-9a-f]{6}-pause's net, ipc, pid namespaces\./);
  expect(count()).toBe(3);

  // 4. ps in nginx: pause is PID 1. No container more.
  await step(3).getByRole("button", { name: "Next step" }).click();
  await expect(step(3).getByTestId("step-output")).toContainText(/^\s*1\s+0\s+\S+\s+pause$/m, { timeout: 30_000 });
  expect(count()).toBe(3);

  // 5. fetch :80 inside the pod: the blog answers through the proxy.
  await step(4).getByRole("button", { name: "Next step" }).click();
  await expect(step(4).getByTestId("step-output")).not.toBeEmpty({ timeout: 30_000 });
  expect(count()).toBe(3);
  await expect(page.getByTestId("steps-finished")).toBeVisible();
  fs.mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/steps-demo-pod.png", fullPage: true });

  await page.getByRole("button", { name: "Start over" }).click();
  await expect(step(0)).toHaveAttribute("data-current", "true");
  await expect.poll(count, { timeout: 60_000 }).toBe(0);
});
