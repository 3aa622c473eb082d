// The whole test suite, as the README's test command and .ci/run run it: build every entry, run the
// unit and integration tests (vitest), then print one plain "N passed, N failed" line.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const results = path.join(root, "test-results");
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const build = run(process.execPath, ["esbuild.mjs"]);
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const report = path.join(results, "vitest.json");
const vitest = run(process.execPath, [
  "node_modules/vitest/vitest.mjs",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
]);

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
} catch {
  failed += 1; // no report: vitest itself failed to run
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
