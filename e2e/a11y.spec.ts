import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { createDemoPod, deletePod, removeRunContainers } from "./support/demo-pod";

/**
 * Accessibility on the real dashboard with a live demo pod: axe finds no serious or critical
 * violation (in the everyday light and dark themes and in presentation mode), and the graph
 * can be used with the keyboard alone.
 */
test.describe.configure({ mode: "serial" });

let context: BrowserContext;
let page: Page;
let podName = "";

/** axe's serious and critical violations, each with the elements it found them on. */
async function seriousViolations(p: Page) {
  const { violations } = await new AxeBuilder({ page: p }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  // axe needs a page of a context made with newContext().
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  await page.goto("/");
  await expect(page.getByTestId("engine-state")).not.toHaveText("unreachable");
  podName = await createDemoPod(page);
  await expect(page.locator('g[data-role="sandbox"]', { hasText: `${podName}-pause` })).toBeVisible();
});

test.afterAll(async () => {
  await context?.close();
  removeRunContainers();
});

test("the dashboard with a demo pod has no serious or critical axe violations", async () => {
  expect(await seriousViolations(page)).toEqual([]);
});

test("the dark theme has none either", async () => {
  const toggle = page.getByRole("button", { name: "Dark theme" });
  await toggle.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  expect(await seriousViolations(page)).toEqual([]);
  // The choice is kept: a reload starts dark.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});

test("graph nodes are reachable with Tab and open their details with Enter", async () => {
  await page.locator("body").click({ position: { x: 1, y: 1 } }); // start from the top of the page
  const focusedNode = () => page.evaluate(() => document.activeElement?.closest("g[data-id]")?.getAttribute("data-id") ?? null);
  // Tab through the page until the focus is on a graph node (the controls come first).
  let id: string | null = null;
  for (let presses = 0; presses < 40 && id === null; presses++) {
    await page.keyboard.press("Tab");
    id = await focusedNode();
  }
  expect(id, "no graph node reached with Tab").not.toBeNull();
  const node = page.locator(`g[data-id="${id}"]`);
  await expect(node).toBeFocused();

  await page.keyboard.press("Enter");
  const details = page.getByTestId("container-details");
  await expect(details).toBeVisible();
  const name = (await node.getAttribute("aria-label"))!.split(",")[0]!;
  await expect(details.getByRole("heading", { level: 2 })).toHaveText(name);
  await expect(node).toHaveAttribute("aria-pressed", "true");

  // The next Tab reaches another node of the pod; Space selects it too.
  await page.keyboard.press("Tab");
  const next = await focusedNode();
  expect(next).not.toBeNull();
  expect(next).not.toBe(id);
  await page.keyboard.press(" ");
  await expect(page.locator(`g[data-id="${next}"]`)).toHaveAttribute("aria-pressed", "true");
  await details.getByRole("button", { name: "Close details" }).click();
});

test("presentation mode: controls hidden, legends shown, no serious or critical axe violations", async () => {
  await page.getByRole("button", { name: "Present" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-presentation", "");
  await expect(page.getByRole("button", { name: "Create demo pod" })).toBeHidden();
  await expect(page.getByTestId("export-menu")).toBeHidden();
  await expect(page.getByRole("button", { name: "Reset view" })).toBeHidden();
  await expect(page.getByRole("region", { name: "Namespace types" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Cgroup controllers" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  // On a 1280×720 projector too, where the legends scroll beside the graph.
  await page.setViewportSize({ width: 1280, height: 720 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.keyboard.press("Escape");
  await expect(page.locator("html")).not.toHaveAttribute("data-presentation", "");
  await expect(page.getByRole("button", { name: "Create demo pod" })).toBeVisible();
});

test("delete the demo pod", async () => {
  await deletePod(page, podName);
});
