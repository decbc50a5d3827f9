import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { PNG } from "pngjs";
import { createDemoPod, deletePod, removeRunContainers } from "./support/demo-pod";

/**
 * Export and presentation on a live demo pod: the SVG holds the container names and the
 * caption, ids shortened or masked; presentation screenshots at projector sizes. Then
 * snapshots as files, which do not move under the exports: load the built-in sample and a
 * bare recording, see them marked as such; PNG 1× and 2× decode to the SVG's size and twice
 * it; the namespace matrix (HTML) exports too; a malformed file is refused.
 */
const SAMPLE_FILE = "public/samples/demo-pod.json";

/** Choose an item of the export menu; returns the downloaded file's name and bytes. */
async function exportAs(page: Page, label: string, { masked = false } = {}) {
  const menu = page.getByTestId("export-menu");
  if (!(await menu.evaluate((el) => (el as HTMLDetailsElement).open))) await menu.locator("summary").click();
  const mask = menu.getByRole("checkbox", { name: /mask ids/ });
  if ((await mask.isChecked()) !== masked) await mask.click();
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 30_000 }),
    menu.getByRole("button", { name: label, exact: true }).click(),
  ]);
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** The full ids of a pod's containers, as the graph's nodes carry them. */
function podIds(page: Page, podName: string): Promise<string[]> {
  return page
    .locator("g[data-id]")
    .filter({ hasText: podName })
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-id")!));
}

test.describe("a live demo pod", () => {
  test.describe.configure({ mode: "serial" });
  let page: Page;
  let podName = "";
  let hostname = "";

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(600_000);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    await page.goto("/");
    await expect(page.getByTestId("engine-state")).not.toHaveText("unreachable");
    podName = await createDemoPod(page);
    await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
    hostname = ((await (await page.request.get("/api/snapshot")).json()) as { host: { hostname: string } }).host.hostname;
  });

  test.afterAll(async () => {
    await page?.close();
    removeRunContainers();
  });

  test("the SVG of the live graph (the new pod, in focus) holds the pod's container names and the caption, ids shortened", async () => {
    const svg = await exportAs(page, "SVG");
    expect(svg.name).toMatch(new RegExp(`^pod-anatomy-${hostname}-\\d{8}-\\d{6}\\.svg$`));
    const text = svg.bytes.toString("utf8");
    for (const member of ["pause", "nginx", "ghost"]) expect(text).toContain(`${podName}-${member}`);
    expect(text).toContain(`>Pod Anatomy · Pod ${podName}</text>`);
    expect(text).toMatch(new RegExp(`>host ${hostname} · read \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</text>`));
    // Styles are inlined (no Tailwind class survives), colours are plain sRGB.
    expect(text).not.toContain('class="');
    expect(text).not.toContain("oklch(");
    // Full ids are shortened to 12 characters.
    const ids = await podIds(page, podName);
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      expect(text).not.toContain(id);
      expect(text).toContain(id.slice(0, 12));
    }
    fs.mkdirSync("artifacts", { recursive: true });
    fs.writeFileSync("artifacts/export-2x.png", (await exportAs(page, "PNG 2×")).bytes);
  });

  test("masked ids leave no trace of the container ids", async () => {
    const text = (await exportAs(page, "SVG", { masked: true })).bytes.toString("utf8");
    const ids = await podIds(page, podName);
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(text).not.toContain(id.slice(0, 12));
    expect(text).toContain("••••");
    expect(text).toContain(`${podName}-nginx`);
  });

  test("presentation mode at 1920×1080 and 1280×720", async ({}, testInfo) => {
    await page.getByRole("button", { name: "Present" }).click();
    await expect(page.getByRole("button", { name: "Create demo pod" })).toBeHidden();
    fs.mkdirSync("artifacts", { recursive: true });
    for (const [width, height] of [
      [1920, 1080],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
      await expect(page.getByRole("region", { name: "Namespace types" })).toBeVisible();
      const path = `artifacts/presentation-${width}.png`;
      await page.screenshot({ path });
      await testInfo.attach(`presentation-${width}`, { path, contentType: "image/png" });
    }
    await page.getByRole("button", { name: "Exit presentation" }).click();
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  test("delete the demo pod", async () => {
    await deletePod(page, podName);
  });
});

test.describe("snapshot files", () => {
  const sample = JSON.parse(fs.readFileSync(SAMPLE_FILE, "utf8")) as {
    sample: { recordedAt: string; host: string };
    snapshot: { takenAt: string; host: { hostname: string }; pods: { name: string }[] };
  };
  const podName = sample.snapshot.pods[0]!.name;
  const utc = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");

  test("load the sample with the file picker: marked SAMPLE with its time and host, the pod drawn; back to live", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("snapshot-file-input").setInputFiles(SAMPLE_FILE);
    const banner = page.getByTestId("recording-banner");
    await expect(banner).toHaveAttribute("data-kind", "sample");
    // The overview shows its pod, marked SAMPLE too; the graph draws it.
    await expect(page.locator('[data-testid="pod-tile"]')).toHaveAttribute("data-tile-name", podName);
    await expect(page.getByRole("tabpanel").getByTestId("recording-mark")).toHaveText("SAMPLE");
    await page.getByRole("tab", { name: "Graph" }).click();
    await expect(banner).toContainText("SAMPLE");
    await expect(banner).toContainText(`taken ${utc(sample.sample.recordedAt)} on host ${sample.sample.host}`);
    await expect(page.locator('[data-canvas] [data-testid="recording-mark"]')).toHaveText("SAMPLE");
    await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
    await expect(page.locator('g[data-role="member"]')).toHaveCount(2);
    // The recorded pod cannot be deleted from here: it is not this engine's.
    await expect(page.locator(`[data-pod="${podName}"]`).getByRole("button", { name: "Delete" })).toBeDisabled();

    await banner.getByRole("button", { name: "Back to live" }).click();
    await expect(banner).toHaveCount(0);
    await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toHaveCount(0);
  });

  test("PNG 1× and 2× of a recording decode to the SVG's size and twice it; the caption says SAMPLE", async ({ page }) => {
    await page.goto("/?view=graph");
    await page.getByTestId("snapshot-file-input").setInputFiles(SAMPLE_FILE);
    await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
    // A recording does not move: the three exports are of the same drawing.
    const text = (await exportAs(page, "SVG")).bytes.toString("utf8");
    expect(text).toContain(">SAMPLE · Pod Anatomy · Pod graph</text>");
    expect(text).toContain(`>host ${sample.sample.host} · recorded ${utc(sample.sample.recordedAt)}</text>`);
    for (const member of ["pause", "nginx", "ghost"]) expect(text).toContain(`${podName}-${member}`);
    const [, width, height] = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(text)!.map(Number) as [number, number, number];

    const png1 = PNG.sync.read((await exportAs(page, "PNG 1×")).bytes);
    expect([png1.width, png1.height]).toEqual([width, height]);
    const png2 = PNG.sync.read((await exportAs(page, "PNG 2×")).bytes);
    expect([png2.width, png2.height]).toEqual([2 * width, 2 * height]);
    // The drawing is in the pixels: the sandbox's dark disc (#1e293b) covers thousands of them.
    const darkPixels = (png: PNG) => {
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0x1e && png.data[i + 1] === 0x29 && png.data[i + 2] === 0x3b) n++;
      return n;
    };
    expect(darkPixels(png1)).toBeGreaterThan(20_000);
    expect(darkPixels(png2)).toBeGreaterThan(3.5 * darkPixels(png1));
  });

  test("the namespace matrix, an HTML table, exports too", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("snapshot-file-input").setInputFiles(SAMPLE_FILE);
    await page.getByRole("tab", { name: "Namespaces" }).click();
    await expect(page.getByTestId("ns-matrix")).toContainText(`${podName}-pause`);
    const text = (await exportAs(page, "SVG")).bytes.toString("utf8");
    expect(text).toContain(">SAMPLE · Pod Anatomy · Namespace matrix</text>");
    expect(text).toContain("<foreignObject");
    for (const member of ["pause", "nginx", "ghost"]) expect(text).toContain(`${podName}-${member}`);
    const [, width, height] = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(text)!.map(Number) as [number, number, number];
    const png = PNG.sync.read((await exportAs(page, "PNG 1×")).bytes);
    expect([png.width, png.height]).toEqual([width, height]);
  });

  test("drop a bare snapshot on the page: marked RECORDING; download it back", async ({ page }, testInfo) => {
    await page.goto("/?view=graph");
    const text = JSON.stringify(sample.snapshot);
    const dataTransfer = await page.evaluateHandle((json) => {
      const dt = new DataTransfer();
      dt.items.add(new File([json], "recorded.json", { type: "application/json" }));
      return dt;
    }, text);
    await page.dispatchEvent("main", "dragenter", { dataTransfer });
    await page.dispatchEvent("main", "drop", { dataTransfer });
    const banner = page.getByTestId("recording-banner");
    await expect(banner).toHaveAttribute("data-kind", "recording");
    await expect(banner).toContainText("RECORDING");
    await expect(banner).toContainText(`taken ${utc(sample.snapshot.takenAt)} on host ${sample.snapshot.host.hostname}`);
    await expect(banner).toContainText("From recorded.json.");
    await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download snapshot" }).click()]);
    const file = testInfo.outputPath("downloaded.json");
    await download.saveAs(file);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(sample.snapshot);
  });

  test("a malformed file is refused with what is wrong", async ({ page }) => {
    await page.goto("/");
    const broken = structuredClone(sample.snapshot) as Record<string, unknown>;
    delete broken.containers;
    await page.getByTestId("snapshot-file-input").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(broken)) });
    const notice = page.getByTestId("notice");
    await expect(notice).toContainText("broken.json: Not a Pod Anatomy snapshot");
    await expect(notice).toContainText("containers: Invalid input: expected array, received undefined");
    await expect(page.getByTestId("recording-banner")).toHaveCount(0);
  });
});
