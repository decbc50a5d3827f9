import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests in headless Chromium against the production server that scripts/test.sh
 * starts (POD_ANATOMY_URL). Debian's chromium is used: Playwright's own browser downloads
 * are not possible on these machines.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.POD_ANATOMY_URL ?? "http://localhost:3999",
    viewport: { width: 1600, height: 1000 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    },
  },
});
