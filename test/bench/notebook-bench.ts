/**
 * Notebook speed: the first cell's result from a cold kernel (start + `import * as aibt from
 * "aibt/notebook"` + a call; target < 6 s), and the overhead of later cells beyond their own work
 * (trivial cells' round trip; target < 300 ms). Prints figures only.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TslabKernel } from "../../kernel/jupyter/index";
import { repoRoot } from "../shared-data";

async function main(): Promise<void> {
  const cache = path.join(repoRoot, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const cwd = mkdtempSync(path.join(cache, "notebook-bench-"));
  try {
    const started = performance.now();
    const kernel = await TslabKernel.start({ cwd });
    const ready = performance.now() - started;
    const first = await kernel.execute('import * as aibt from "aibt/notebook";\naibt.normalizeSymbol("eth-usd")');
    const firstMs = performance.now() - started;
    if (first.status !== "ok") throw new Error(JSON.stringify(first.outputs));
    const later: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const result = await kernel.execute(`const x${i} = ${i} + 1;\nx${i}`);
      if (result.status !== "ok") throw new Error(JSON.stringify(result.outputs));
      later.push(performance.now() - t);
    }
    await kernel.shutdown();
    later.sort((a, b) => a - b);
    const report = { kernelReadyMs: Math.round(ready), firstCellResultMs: Math.round(firstMs), laterCellOverheadMedianMs: Math.round(later[later.length >> 1]!), laterCellOverheadMaxMs: Math.round(later.at(-1)!) };
    if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`First cell's result from a cold kernel: ${report.firstCellResultMs} ms (kernel ready after ${report.kernelReadyMs} ms; target < 6000)`);
      console.log(`Later cells' overhead: median ${report.laterCellOverheadMedianMs} ms, max ${report.laterCellOverheadMaxMs} ms (target < 300)`);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

void main();
