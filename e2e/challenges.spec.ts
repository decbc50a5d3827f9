import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { removeRunContainers, RUN_ID, RUN_LABEL } from "./support/demo-pod";

/**
 * A learner on the challenges page: reveals a hint (kept across a reload), does the first
 * challenge in a terminal (here: the docker CLI, with names of its own), and sees it turn
 * passed live; Reset clears the progress. Only this run's containers are checked (?label=).
 */
test.afterAll(removeRunContainers);

const busybox = () => {
  const ref = execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", "pod-anatomy/busybox-stand-in"], { encoding: "utf8" }).split("\n").find(Boolean);
  if (!ref) throw new Error("no busybox stand-in image: run a catalogue entry first");
  return ref;
};

test("challenges: a hint, a challenge done in a terminal turning passed live, Reset", async ({ page }) => {
  const image = busybox();
  await page.goto(`/challenges?label=${encodeURIComponent(RUN_LABEL)}`);
  await page.evaluate(() => window.localStorage.clear());
  await page.reload();
  const card = page.locator('li[data-challenge="shared-net"]');
  await expect(page.locator("li[data-challenge]")).toHaveCount(9);
  await expect(card.getByTestId("challenge-status")).toHaveText("Not yet");
  await expect(card.getByTestId("challenge-reason")).toContainText("No container is running");

  await card.getByRole("button", { name: /Show a hint \(1 of 3\)/ }).click();
  await expect(card.getByRole("list", { name: "Hints" }).locator("li")).toHaveCount(1);
  await page.reload();
  await expect(card.getByRole("list", { name: "Hints" }).locator("li")).toHaveCount(1);

  const first = `e2e-${RUN_ID}-first`;
  execFileSync("docker", ["run", "-d", "--label", RUN_LABEL, "--name", first, image, "sleep", "1d"]);
  await expect(card.getByTestId("challenge-reason")).toContainText(`${first} is alone in its net namespace`);
  execFileSync("docker", ["run", "-d", "--label", RUN_LABEL, "--name", `e2e-${RUN_ID}-second`, "--net", `container:${first}`, image, "sleep", "1d"]);
  await expect(card.getByTestId("challenge-status")).toHaveText("Passed");
  await expect(page.getByTestId("challenges-progress")).toHaveText(/^1 of 9 done$/);
  fs.mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/challenges.png", fullPage: true });

  removeRunContainers();
  await expect(card.getByTestId("challenge-status")).toHaveText("Done before");
  await page.getByRole("button", { name: "Reset progress" }).click();
  await expect(card.getByTestId("challenge-status")).toHaveText("Not yet");
  await expect(card.getByRole("list", { name: "Hints" }).locator("li")).toHaveCount(0);
});

test("the challenges and step-by-step pages have no serious or critical axe violations", async ({ page }) => {
  for (const url of ["/challenges", "/steps?entry=by-hand"]) {
    await page.goto(url);
    await expect(page.locator("li[data-challenge], li[data-step]").first()).toBeVisible({ timeout: 60_000 });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${url}: ${v.id}: ${v.help}`)).toEqual([]);
  }
});
