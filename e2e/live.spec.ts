import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { removeRunContainers, RUN_ID, RUN_LABEL } from "./support/demo-pod";

/**
 * The issue's "done when": a container started from a terminal with `docker run` appears in
 * an open dashboard within a second. Appearance is asserted with Playwright's usual wait;
 * the delay itself is measured (in the page, by a MutationObserver) and reported in the
 * output and as an attachment — speed is measured here, not asserted.
 * Then the timeline of a pod made in the terminal, walked step by step.
 */
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
// Containers run with --network none: nothing here needs a network, and it works on engines without a docker0 bridge.

test.afterAll(removeRunContainers);

function standInImage(): string {
  const ref = docker("images", "pod-anatomy/pause-stand-in", "--format", "{{.Repository}}:{{.Tag}}").split("\n")[0];
  if (!ref) throw new Error("no pod-anatomy/pause-stand-in image: create a demo pod once (or run npm test), which builds it");
  return ref;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test("a container started with docker run appears in the open dashboard, and goes when removed", async ({ page }, testInfo) => {
  const image = standInImage();
  // The graph of every container (the overview is the default when there are pods).
  await page.goto("/?view=graph");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  // The first snapshot is drawn: the graph (with its host node), or, on an engine with no container at all, the empty state.
  await expect(page.getByTestId("host-node").or(page.getByText("No containers to draw"))).toBeVisible();

  const runs: { name: string; fromRunMs: number; fromReturnMs: number; fromStartMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const name = `live-${RUN_ID}-${i}`;
    // Watch in the page for the node of that name: the time it enters the DOM.
    await page.evaluate((n) => {
      const w = window as unknown as { __appeared?: Promise<number> };
      w.__appeared = new Promise<number>((resolve) => {
        const found = () => [...document.querySelectorAll("g[data-id]")].some((g) => g.getAttribute("aria-label")?.startsWith(`${n},`));
        const observer = new MutationObserver(() => {
          if (found()) {
            observer.disconnect();
            resolve(Date.now());
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      });
    }, name);

    const before = Date.now();
    const id = docker("run", "-d", "--network", "none", "--label", RUN_LABEL, "--name", name, image);
    const returned = Date.now();
    await expect(page.locator(`g[data-id="${id}"]`)).toBeVisible({ timeout: 5_000 });
    const appeared = await page.evaluate(() => (window as unknown as { __appeared: Promise<number> }).__appeared);
    const startedAt = Date.parse(docker("inspect", "-f", "{{.State.StartedAt}}", id));
    runs.push({ name, fromRunMs: appeared - before, fromReturnMs: appeared - returned, fromStartMs: appeared - startedAt });

    docker("rm", "-f", id);
    await expect(page.locator(`g[data-id="${id}"]`)).toHaveCount(0, { timeout: 5_000 });
  }

  const summary = {
    runs,
    median: {
      engineStartToScreenMs: median(runs.map((r) => r.fromStartMs)),
      dockerRunReturnedToScreenMs: median(runs.map((r) => r.fromReturnMs)),
      dockerRunInvokedToScreenMs: median(runs.map((r) => r.fromRunMs)),
    },
  };
  console.log(`[live] event-to-screen: ${runs.map((r) => `${r.fromStartMs} ms`).join(", ")} (engine StartedAt → node in the DOM); median ${summary.median.engineStartToScreenMs} ms`);
  console.log(`[live] docker run invoked → node in the DOM: ${runs.map((r) => `${r.fromRunMs} ms`).join(", ")}; median ${summary.median.dockerRunInvokedToScreenMs} ms`);
  fs.mkdirSync("artifacts", { recursive: true });
  fs.writeFileSync("artifacts/live-delay.json", JSON.stringify(summary, null, 2));
  await testInfo.attach("event-to-screen delay", { body: JSON.stringify(summary, null, 2), contentType: "application/json" });
});

test("the timeline of a pod made in a terminal, walked step by step", async ({ page }, testInfo) => {
  const image = standInImage();
  await page.goto("/?view=graph");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

  const prefix = `tl-${RUN_ID}`;
  docker("run", "-d", "--network", "none", "--ipc", "shareable", "--label", RUN_LABEL, "--name", `${prefix}-pause`, image);
  const join = `container:${prefix}-pause`;
  const appId = docker("run", "-d", "--label", RUN_LABEL, "--name", `${prefix}-app`, "--net", join, "--ipc", join, "--pid", join, image);

  await page.locator(`g[data-id="${appId}"]`).click();
  const timeline = page.getByTestId("timeline");
  await expect(timeline.locator("li[data-timeline-step]")).toHaveCount(5);
  await expect(timeline.getByTestId("timeline-position")).toHaveText("Step 1 of 5");
  await expect(timeline.locator('[aria-current="step"]')).toHaveAttribute("data-timeline-step", "sandbox-created");

  const next = timeline.getByRole("button", { name: "Next" });
  const expected = ["namespaces-created", "created", "joined", "started"];
  for (const [i, kind] of expected.entries()) {
    await next.click();
    await expect(timeline.getByTestId("timeline-position")).toHaveText(`Step ${i + 2} of 5`);
    await expect(timeline.locator('[aria-current="step"]')).toHaveAttribute("data-timeline-step", kind);
  }
  await expect(next).toBeDisabled();
  // The joined step names the namespaces with the inodes the kernel shows.
  await timeline.getByRole("button", { name: "Previous" }).click();
  await expect(timeline.getByTestId("timeline-current")).toContainText(/net:\[\d+\]/);
  await expect(timeline.getByTestId("timeline-current")).toContainText(/pid:\[\d+\]/);

  fs.mkdirSync("artifacts", { recursive: true });
  const shot = "artifacts/timeline.png";
  await page.screenshot({ path: shot });
  await testInfo.attach("timeline", { path: shot, contentType: "image/png" });

  // Live: the app killed in the terminal shows up as a new step.
  docker("kill", appId);
  await expect(timeline.locator('li[data-timeline-step="exited"]')).toHaveCount(1);
  await expect(timeline.getByTestId("timeline-position")).toHaveText("Step 4 of 6");
});
