import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { createDemoPod, deletePod, removeRunContainers } from "./support/demo-pod";

/**
 * The pod's network on the graph: the hub shows the pod IP the kernel gives the pause's
 * namespace, nginx shows it listens on :80 and ghost on :2368, the sandbox its published
 * port and the host end of its veth on docker0; the details panel the same with their files.
 * Publishes 127.0.0.1:8880: run under `flock /tmp/pa-8880.lock`.
 */
test.afterAll(removeRunContainers);

/** The pause's global IPv4 address, as `nsenter -t PID -n ip -4 addr` prints it. */
function kernelIp(containerName: string): string {
  const pid = execFileSync("docker", ["inspect", "-f", "{{.State.Pid}}", containerName], { encoding: "utf8" }).trim();
  const out = execFileSync("nsenter", ["-t", pid, "-n", "ip", "-4", "-o", "addr"], { encoding: "utf8" });
  return /inet (\S+) .*scope global/.exec(out)![1]!;
}

test("the demo pod's hub shows its IP, published port and veth; nginx :80, ghost :2368; the details name the files", async ({ page }, testInfo) => {
  await page.goto("/");
  const podName = await createDemoPod(page);
  const hub = page.locator(`g[data-role="sandbox"]`, { hasText: `${podName}-pause` });
  await expect(hub.getByTestId("pod-ip")).toHaveText(`IP ${kernelIp(`${podName}-pause`)}`);
  await expect(hub.getByTestId("published-ports")).toHaveText("127.0.0.1:8880 → :80");
  await expect(hub.getByTestId("host-veth")).toContainText(/^eth0 ⇄ veth\w+ · docker0$/);
  await expect(hub.getByTestId("pod-ip-line").locator("title")).toContainText("/net/fib_trie");

  const nginx = page.locator(`g[data-role="member"]`, { hasText: `${podName}-nginx` });
  const ghost = page.locator(`g[data-role="member"]`, { hasText: `${podName}-ghost` });
  await expect(nginx.getByTestId("listen-ports")).toHaveText("listens :80");
  await expect(ghost.getByTestId("listen-ports")).toHaveText("listens :2368");
  await expect(nginx.getByTestId("listen-ports-line").locator("title")).toContainText(/socket inode \d+ in \/proc\/\d+\/net\/tcp6?, held by PID \d+/);

  // By keyboard (the node is a button): with many other pods on this engine the node is small, and a click may land on its label's cluster.
  await nginx.press("Enter");
  const details = page.getByTestId("container-details");
  await expect(details.getByTestId("net-listeners").locator('[data-port="80"]')).toContainText(`${podName}-nginx`);
  await expect(details.getByTestId("net-listeners").locator('[data-port="2368"]')).toContainText(`${podName}-ghost`);
  await expect(details.getByTestId("net-interfaces").locator('[data-interface="eth0"]')).toContainText(kernelIp(`${podName}-pause`));
  await expect(details.getByTestId("details-host-veth")).toContainText("on bridge docker0");
  await expect(details.getByTestId("uts-hostname")).toContainText("nsenter -t");

  fs.mkdirSync("artifacts", { recursive: true });
  const shot = "artifacts/pod-network.png";
  await page.screenshot({ path: shot });
  await testInfo.attach("pod-network", { path: shot, contentType: "image/png" });
  await deletePod(page, podName);
});
