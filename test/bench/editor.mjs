// `npm run bench:editor`: the extension's speed in a real VS Code (code-server), next to its targets.
// Activation (loading the bundle + activate()), opening a notebook with 20 chart outputs, and listing a
// tree of 1,000 runs, with the engine's own listing of the same runs as the reference.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureEditor } from "../editor/code-server.mjs";
import { buildExtensionTests, runExtensionTests } from "../editor/extension-tests.mjs";

const install = ensureEditor();
if (!install.ok) {
  console.error(`bench:editor: the editor could not be set up:\n${install.why}`);
  process.exit(1);
}
const temp = mkdtempSync(path.join(tmpdir(), "aibt-bench-editor-"));
const figures = path.join(temp, "figures.json");
try {
  const index = await buildExtensionTests();
  const { results, failure } = await runExtensionTests({ install, temp, index, grep: "benchmarks", env: { AIBT_EH_BENCH: figures } });
  if (failure || results.some((r) => r.state === "failed")) throw new Error(`the benchmark failed: ${results.map((r) => r.error).join("\n") || failure}`);
  const f = JSON.parse(readFileSync(figures, "utf8"));
  const row = (name, value, target) => console.log(`${name.padEnd(44)} ${value.toFixed(0).padStart(6)} ms   target < ${target} ms   (${((100 * value) / target).toFixed(0)}% of it)`);
  row("activation (load + activate)", f.activationMs, 150);
  row(`open a notebook with ${f.notebookOutputs} chart outputs, first in the window`, f.openNotebook20ColdMs, 1_000);
  const read = (name) => `   (reading the document: ${f[name.replace(/Ms$/, "DocumentMs")].toFixed(0)} ms)`;
  row(`open a notebook with ${f.notebookOutputs} chart outputs (median of 7)`, f.openNotebook20Ms, 1_000);
  console.log(read("openNotebook20Ms"));
  row("  the same cells with text outputs of that size", f.openNotebook20TextMs, 1_000);
  console.log(read("openNotebook20TextMs"));
  row("  the same cells without outputs (reference)", f.openNotebookNoOutputsMs, 1_000);
  console.log(read("openNotebookNoOutputsMs"));
  console.log(`charts / no outputs ratio: ${(f.openNotebook20Ms / f.openNotebookNoOutputsMs).toFixed(2)}; text / no outputs: ${(f.openNotebook20TextMs / f.openNotebookNoOutputsMs).toFixed(2)}`);
  row(`tree of ${f.treeRuns} runs (engine listing: ${f.listRunsMs.toFixed(0)} ms)`, f.tree1000Ms, 500);
  console.log(`tree / engine listing ratio: ${(f.tree1000Ms / f.listRunsMs).toFixed(2)}`);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
