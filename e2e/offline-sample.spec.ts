import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

/**
 * A trainer's laptop without Docker: a second server whose DOCKER_HOST points at a socket that
 * does not exist (scripts/test.sh starts it and sets POD_ANATOMY_NO_ENGINE_URL). The dashboard
 * says why there are no pods, shows the host's own namespaces from /proc, and offers the
 * built-in sample, marked SAMPLE wherever it shows.
 */
const NO_ENGINE_URL = process.env.POD_ANATOMY_NO_ENGINE_URL;
const sample = JSON.parse(fs.readFileSync("public/samples/demo-pod.json", "utf8")) as {
  sample: { recordedAt: string; host: string };
  snapshot: { pods: { name: string }[] };
};
const utc = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");

test("no engine: the sample pod is offered, shown marked SAMPLE, beside the live host view", async ({ page }) => {
  test.skip(!NO_ENGINE_URL, "POD_ANATOMY_NO_ENGINE_URL is unset: no server without a Docker engine was started (scripts/test.sh starts one)");
  await page.goto(NO_ENGINE_URL!);
  await expect(page.getByTestId("engine-banner")).toHaveAttribute("data-reason", "socket-missing");
  await expect(page.getByTestId("engine-state")).toHaveText("unreachable");
  await expect(page.getByTestId("host-panel")).toBeVisible();

  const offer = page.getByRole("button", { name: `Show the sample pod (recorded ${utc(sample.sample.recordedAt)} on ${sample.sample.host})` });
  await expect(offer).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await offer.click();
  const banner = page.getByTestId("recording-banner");
  await expect(banner).toHaveAttribute("data-kind", "sample");
  await expect(banner).toContainText(`SAMPLE`);
  await expect(banner).toContainText(`taken ${utc(sample.sample.recordedAt)} on host ${sample.sample.host}`);
  await expect(page.locator('[data-canvas] [data-testid="recording-mark"]')).toHaveText("SAMPLE");
  const podName = sample.snapshot.pods[0]!.name;
  await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
  // The live host view stays, read from this machine's /proc.
  await expect(page.getByTestId("host-panel")).toBeVisible();
  await expect(page.getByTestId("engine-banner")).toBeVisible();

  await banner.getByRole("button", { name: "Back to live" }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toHaveCount(0);
  await expect(offer).toBeVisible();
});
