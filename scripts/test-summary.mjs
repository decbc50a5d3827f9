// Print one closing line for the whole suite, "N passed, N failed, N skipped", from the JSON
// reports of vitest (unit, integration) and Playwright (e2e) that scripts/test.sh writes.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of ["unit.json", "integration.json"]) {
  const r = read(name);
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
  console.log(`${name.replace(".json", "")}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
const e2e = read("e2e.json").stats;
totals.passed += e2e.expected + e2e.flaky;
totals.failed += e2e.unexpected;
totals.skipped += e2e.skipped;
console.log(`e2e: ${e2e.expected + e2e.flaky} passed, ${e2e.unexpected} failed`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
