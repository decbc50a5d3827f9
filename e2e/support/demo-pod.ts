import { execFileSync } from "node:child_process";
import { expect, type Page } from "@playwright/test";

/** The test run's id (scripts/test.sh sets it): in the label below, and in the names of containers a spec runs itself. */
export const RUN_ID = process.env.POD_ANATOMY_RUN_ID ?? "unset";

/** Every container the test server creates carries this label. */
export const RUN_LABEL = `io.pod-anatomy.run=${RUN_ID}`;

/** Remove every container of this test run (and its anonymous volumes), whatever state the test left them in. */
export function removeRunContainers(): void {
  const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=${RUN_LABEL}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (ids.length > 0) execFileSync("docker", ["rm", "-fv", ...ids], { stdio: "ignore" });
}

/**
 * Click "Create demo pod" until it succeeds (host port 8880 is shared by everyone running
 * these tests; another run's demo pod may hold it for a while). Returns the pod's name.
 */
export async function createDemoPod(page: Page): Promise<string> {
  const notice = page.getByTestId("notice");
  const button = page.getByRole("button", { name: "Create demo pod" });
  const created = /Created demo pod (demo-[0-9a-f]+)/;
  await expect(async () => {
    await button.click();
    // While it works the button reads "Creating…"; it is back (and enabled) when the answer is in.
    await expect(button).toBeEnabled({ timeout: 120_000 });
    await expect(notice).toContainText(created, { timeout: 1_000 });
  }).toPass({ timeout: 300_000, intervals: [5_000, 10_000, 20_000] });
  return created.exec((await notice.textContent()) ?? "")![1]!;
}

/** Delete a pod with its Delete button and wait until the dashboard says so. */
export async function deletePod(page: Page, podName: string): Promise<void> {
  await page.locator(`[data-pod="${podName}"]`).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("notice")).toContainText(`Deleted pod ${podName}`, { timeout: 60_000 });
}
