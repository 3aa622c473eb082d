// The whole test suite, as the README's test command and .ci/run run it: build every entry, run the
// unit and integration tests (vitest), then the editor tests (a real VS Code in Chromium, one file at a
// time: each starts its own code-server and they would only slow each other down on two cores), then
// print one plain "N passed, N failed" line.
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

let passed = 0;
let failed = 0;
for (const [name, args] of [
  ["vitest", ["--exclude", "test/unit/editor/**"]],
  ["editor", ["test/unit/editor", "--no-file-parallelism"]],
]) {
  const report = path.join(results, `${name}.json`);
  const vitest = run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  let stageFailed = 0;
  try {
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed += json.numPassedTests;
    stageFailed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
    // A file whose setup failed has its tests skipped and none failed: it counts as a failure too.
    if (stageFailed === 0) stageFailed = json.numFailedTestSuites ?? 0;
  } catch {
    stageFailed = 1; // no report: vitest itself failed to run
  }
  if (vitest.status !== 0 && stageFailed === 0) stageFailed = 1;
  failed += stageFailed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
