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
 * Remove every pod of this test run on every runtime, whatever a failed test left: Docker's
 * containers and Podman's pods by label with their CLIs, the CRI's pods through the app's
 * DELETE /api/pods/NAME (it removes their netns and pod cgroup too; there is no crictl here).
 */
export async function removeRunPods(): Promise<void> {
  removeRunContainers();
  try {
    const podman = (...args: string[]) => execFileSync("podman", ["--url", "unix:///run/podman/podman.sock", ...args], { encoding: "utf8", timeout: 60_000 }).trim();
    const pods = podman("pod", "ps", "-q", "--filter", `label=${RUN_LABEL}`).split("\n").filter(Boolean);
    if (pods.length > 0) podman("pod", "rm", "-f", "-t", "0", ...pods);
  } catch {
    // no Podman here: nothing of this run on it
  }
  const base = process.env.POD_ANATOMY_URL ?? "http://localhost:3999";
  const token = /<meta name="pod-anatomy-token" content="([0-9a-f]+)"/.exec(await (await fetch(base)).text())?.[1] ?? "";
  const snapshot = (await (await fetch(`${base}/api/snapshot`)).json()) as { containers: { labels: Record<string, string>; runtime: string }[] };
  const ours = new Set(snapshot.containers.filter((c) => c.runtime === "containerd" && c.labels["io.pod-anatomy.run"] === RUN_ID).map((c) => c.labels["io.pod-anatomy.pod"]!));
  for (const pod of ours) await fetch(`${base}/api/pods/${pod}`, { method: "DELETE", headers: { "x-pod-anatomy-token": token, Origin: base, "Sec-Fetch-Site": "same-origin" } });
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
