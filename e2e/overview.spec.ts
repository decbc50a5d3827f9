import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { PNG } from "pngjs";
import { removeRunContainers, RUN_ID } from "./support/demo-pod";

/**
 * A node's worth of pods: 60 demo pods of 3 containers made with the docker CLI (as the
 * benchmark makes them: scripts/make-pods.ts → scripts/bench/pods.ts; no published port),
 * then what a trainer does — find one with the search, put it in focus with a click or a
 * `/?pod=NAME` link, read it (text at least 12 px on screen), export it alone, go Back to
 * the overview. Screenshots of the overview and of a focused pod.
 *
 * Other pods may be on the engine (it is shared): every check is on this file's own pods.
 */
const COUNT = 60;
const PREFIX = "ovh";
const podName = (i: number) => `demo-${PREFIX}${i}`;
const OURS = new RegExp(`demo-${PREFIX}(\\d+)(?!\\d)`, "g");
const ourTiles = (page: Page) => page.locator(`[data-testid="pod-tile"][data-tile-name^="demo-${PREFIX}"]`);

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  removeRunContainers();
  const out = execFileSync("node_modules/.bin/tsx", ["--conditions", "react-server", "scripts/make-pods.ts", "--run", RUN_ID, "--count", String(COUNT), "--prefix", PREFIX], {
    encoding: "utf8",
    timeout: 840_000,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { pods } = JSON.parse(out) as { pods: string[] };
  expect(pods).toHaveLength(COUNT);
});

// Whatever happens in this file, leave no container of this run behind.
test.afterAll(removeRunContainers);

/** Chosen from the export menu: the downloaded file's bytes. */
async function exportAs(page: Page, label: string): Promise<Buffer> {
  const menu = page.getByTestId("export-menu");
  if (!(await menu.evaluate((el) => (el as HTMLDetailsElement).open))) await menu.locator("summary").click();
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), menu.getByRole("button", { name: label, exact: true }).click()]);
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  await menu.locator("summary").click();
  return fs.readFileSync(file);
}

/** The smallest text of the graph as drawn on the screen: computed font size × the SVG's scale there, in CSS px. */
function smallestGraphText(page: Page): Promise<{ px: number; text: string; count: number }> {
  return page.locator("svg[data-export-view]").evaluate((svg) => {
    let smallest = { px: Infinity, text: "", count: 0 };
    for (const t of svg.querySelectorAll("text")) {
      const ctm = (t as SVGTextElement).getScreenCTM();
      if (!ctm || !t.textContent?.trim()) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      smallest.count += 1;
      if (px < smallest.px) smallest = { px, text: t.textContent, count: smallest.count };
    }
    return smallest;
  });
}

test("the overview at 1280×720: 60 pods as legible tiles, in natural order", async ({ page }, testInfo) => {
  test.setTimeout(300_000); // axe over 60 tiles and more, twice, on two busy cores
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("/");
  await expect(page.getByRole("tab", { name: "Overview" })).toHaveAttribute("aria-selected", "true");
  await expect(ourTiles(page)).toHaveCount(COUNT, { timeout: 60_000 });

  // Natural order: demo-ovh1, demo-ovh2, …, demo-ovh10 (not 1, 10, 11, …).
  const order = (await ourTiles(page).evaluateAll((tiles) => tiles.map((t) => t.getAttribute("data-tile-name")!))).map((n) => Number(n.slice(`demo-${PREFIX}`.length)));
  expect(order).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));

  // Each tile: its name, its three containers with their state, what the members share.
  const tile = ourTiles(page).filter({ has: page.locator(`[data-testid="tile-name"]`, { hasText: new RegExp(`^${podName(7)}$`) }) });
  await expect(tile).toHaveCount(1);
  await expect(tile.locator("[data-container-state]")).toHaveCount(3);
  await expect(tile.locator('[data-container-state="running"]')).toHaveCount(3);
  await expect(tile).toContainText("pause");
  await expect(tile).toContainText("nginx");
  await expect(tile).toContainText("ghost");
  await expect(tile.getByTestId("tile-shared")).toHaveText(/share\s*netipcpid/);
  // Legible at 1280×720: no text in a tile under 12 px.
  const smallest = await ourTiles(page).evaluateAll((tiles) => Math.min(...tiles.flatMap((t) => [t, ...t.querySelectorAll("*")]).filter((e) => e.textContent?.trim()).map((e) => parseFloat(getComputedStyle(e).fontSize))));
  expect(smallest).toBeGreaterThanOrEqual(12);

  // No serious or critical accessibility violation in the overview.
  const serious = async () =>
    (await new AxeBuilder({ page }).include('[data-testid="pod-overview"]').analyze()).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length} elements)`);
  expect(await serious()).toEqual([]);
  // In the dark theme too.
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await serious()).toEqual([]);
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");

  fs.mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/overview-60-pods-1280.png" });
  await testInfo.attach("overview-60-pods-1280", { path: "artifacts/overview-60-pods-1280.png", contentType: "image/png" });
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.screenshot({ path: "artifacts/overview-60-pods.png" });
  await testInfo.attach("overview-60-pods", { path: "artifacts/overview-60-pods.png", contentType: "image/png" });
});

test("search finds one pod; its tile puts it in focus, alone in the graph; Back returns to the overview", async ({ page }) => {
  await page.goto("/");
  await expect(ourTiles(page)).toHaveCount(COUNT, { timeout: 60_000 });
  const search = page.getByRole("searchbox");
  await search.fill(podName(17));
  await expect(page.locator('[data-testid="pod-tile"]')).toHaveCount(1);
  await expect(ourTiles(page)).toHaveAttribute("data-tile-name", podName(17));
  await expect(page.getByTestId("overview-count")).toContainText(/^1 of \d+ shown$/);
  // By a container's name and by image too.
  await search.fill(`${podName(23)}-ghost`);
  await expect(page.locator('[data-testid="pod-tile"]')).toHaveCount(1);
  await search.fill(podName(17));

  await ourTiles(page).click();
  await expect(page).toHaveURL(new RegExp(`\\?pod=${podName(17)}$`));
  await expect(page.getByTestId("focus-name")).toHaveText(podName(17));
  await expect(page.getByRole("tab", { name: "Graph" })).toHaveAttribute("aria-selected", "true");
  const nodes = page.locator('g[data-role="sandbox"], g[data-role="member"], g[data-role="standalone"]');
  await expect(nodes).toHaveCount(3);
  await expect(page.locator('g[data-role="sandbox"]')).toContainText(`${podName(17)}-pause`);
  // Its details beside it: the sandbox's, and the pod with its containers.
  await expect(page.getByTestId("container-details")).toContainText(`${podName(17)}-pause`);
  await expect(page.locator(`[data-pod="${podName(17)}"]`)).toBeVisible();

  await page.goBack();
  await expect(page).not.toHaveURL(/pod=/);
  await expect(page.getByRole("tab", { name: "Overview" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("focus-bar")).toHaveCount(0);
  // The search is as it was left.
  await expect(page.getByRole("searchbox")).toHaveValue(podName(17));
  await expect(ourTiles(page)).toHaveCount(1);
});

test("/?pod=NAME shows that pod alone with text of at least 12 px; the export holds it only; the other views follow", async ({ page }, testInfo) => {
  const name = podName(42);
  await page.goto(`/?pod=${name}`);
  await expect(page.getByTestId("focus-name")).toHaveText(name);
  const nodes = page.locator('g[data-role="sandbox"], g[data-role="member"], g[data-role="standalone"]');
  await expect(nodes).toHaveCount(3);
  for (const member of ["pause", "nginx", "ghost"]) await expect(nodes.filter({ hasText: `${name}-${member}` })).toHaveCount(1);
  const ids = await nodes.evaluateAll((gs) => gs.map((g) => g.getAttribute("data-id")!));

  const smallest = await smallestGraphText(page);
  console.log(`[overview] focused pod at 1600×1000: ${smallest.count} texts, the smallest "${smallest.text}" at ${smallest.px.toFixed(1)} px on screen`);
  expect(smallest.count).toBeGreaterThan(10);
  expect(smallest.px, `"${smallest.text}" is drawn at ${smallest.px.toFixed(1)} px`).toBeGreaterThanOrEqual(12);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: "artifacts/focused-pod.png" });
  await testInfo.attach("focused-pod", { path: "artifacts/focused-pod.png", contentType: "image/png" });
  // Measured, not asserted: a 1280×720 projector, as it is and presenting.
  await page.setViewportSize({ width: 1280, height: 720 });
  const at1280 = await smallestGraphText(page);
  await page.getByRole("button", { name: "Present" }).click();
  const presenting = await smallestGraphText(page);
  console.log(`[overview] focused pod at 1280×720: smallest text ${at1280.px.toFixed(1)} px; presenting: ${presenting.px.toFixed(1)} px`);
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1600, height: 1000 });

  // Export: that pod only.
  const svg = (await exportAs(page, "SVG")).toString("utf8");
  expect(svg).toContain(`>Pod Anatomy · Pod ${name}</text>`);
  for (const member of ["pause", "nginx", "ghost"]) expect(svg).toContain(`${name}-${member}`);
  expect(new Set([...svg.matchAll(OURS)].map((m) => Number(m[1])))).toEqual(new Set([42]));
  const [, width, height] = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number) as [number, number, number];
  const png = PNG.sync.read(await exportAs(page, "PNG 1×"));
  expect([png.width, png.height]).toEqual([width, height]);
  // Drawn, not blank: the sandbox's dark disc (#1e293b) covers thousands of pixels.
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0x1e && png.data[i + 1] === 0x29 && png.data[i + 2] === 0x3b) dark++;
  expect(dark).toBeGreaterThan(20_000);

  // The other views show that pod only, and the URL keeps the focus.
  const tabs = page.getByRole("tablist", { name: "Views" });
  await tabs.getByRole("tab", { name: "Namespaces" }).click();
  await expect(page).toHaveURL(new RegExp(`\\?pod=${name}&view=namespaces$`));
  const rows = page.getByTestId("ns-matrix").locator("tbody tr[data-container]");
  await expect(rows).toHaveCount(3);
  expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-container")!))).sort()).toEqual([...ids].sort());
  await tabs.getByRole("tab", { name: "Cgroups" }).click();
  const cgroups = page.getByTestId("cgroup-tree").locator("g[data-container]");
  await expect(cgroups.first()).toBeVisible();
  expect(new Set(await cgroups.evaluateAll((gs) => gs.map((g) => g.getAttribute("data-container")!)))).toEqual(new Set(ids));
  await tabs.getByRole("tab", { name: "Processes" }).click();
  const groups = page.getByTestId("process-tree").locator("section[data-group]");
  await expect(groups).toHaveCount(1);
  await expect(groups).toHaveAttribute("data-group", name);

  // The overview tab marks the pod in focus; "All pods" leaves the focus.
  await tabs.getByRole("tab", { name: "Overview" }).click();
  await expect(ourTiles(page).and(page.locator('[aria-pressed="true"]'))).toHaveAttribute("data-tile-name", name);
  await page.getByRole("button", { name: "All pods" }).click();
  await expect(page.getByTestId("focus-bar")).toHaveCount(0);
  await expect(page).not.toHaveURL(/pod=/);
});

test("a pod name that does not exist says so, with a way back", async ({ page }) => {
  await page.goto(`/?pod=${podName(999)}`);
  const missing = page.getByTestId("focus-missing");
  await expect(missing).toContainText(`No pod named “${podName(999)}” on this host.`);
  // Names like it are offered: demo-ovh9 is one (the link may have a typo).
  await expect(missing.getByRole("button", { name: podName(9), exact: true })).toBeVisible();
  await missing.getByRole("button", { name: "Back to all pods" }).click();
  await expect(page).not.toHaveURL(/pod=/);
  await expect(ourTiles(page)).toHaveCount(COUNT);
});
