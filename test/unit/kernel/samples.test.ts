// The sample notebooks run offline, with the charts (Vega-Lite and SVG), tables and results they
// promise: through `aibt notebook run` (AIBT's own kernel client), and in Jupyter with the tslab kernel
// (jupyter nbconvert --execute) with equivalent outputs. Jupyter comes from Debian's packages, installed
// by test/setup/ensure-jupyter.sh when missing (CI runs as root).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../shared-data";

const notebooks = path.join(repoRoot, "notebooks");
let ready: string | undefined;
let kernels = "";
let work = "";

beforeAll(() => {
  const setup = spawnSync("sh", [path.join(repoRoot, "test/setup/ensure-jupyter.sh")], { encoding: "utf8", timeout: 600_000 });
  if (setup.status !== 0) {
    ready = `Jupyter is not available: ${setup.stderr.trim()}`;
    return;
  }
  // The tslab kernel spec, installed into a folder of the test's own (never the machine's Jupyter).
  const cache = path.join(repoRoot, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const prefix = mkdtempSync(path.join(cache, "jupyter-kernels-"));
  const tslab = path.join(path.dirname(require.resolve("tslab/package.json")), "bin/tslab");
  const install = spawnSync(process.execPath, [tslab, "install", "--python=/usr/bin/python3", `--prefix=${prefix}`, `--binary=${tslab}`], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(`tslab install failed: ${install.stderr}`);
  kernels = path.join(prefix, "share/jupyter");
  // Run the samples from a copy inside the repository, so `aibt/notebook` resolves as for a user of the package.
  work = mkdtempSync(path.join(cache, "samples-"));
  for (const name of readdirSync(notebooks)) copyFileSync(path.join(notebooks, name), path.join(work, name.replace(/\.aibtnb$/, ".ipynb")));
}, 600_000);

type Output = { output_type: string; data?: Record<string, unknown>; text?: string | string[] };

function execute(name: string): Output[][] {
  const out = path.join(work, `${name}.out.ipynb`);
  const run = spawnSync("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output", out, `${name}.ipynb`], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: kernels },
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`nbconvert failed on ${name}:\n${run.stderr.split("\n").slice(-25).join("\n")}`);
  const doc = JSON.parse(readFileSync(out, "utf8")) as { cells: { cell_type: string; outputs?: Output[] }[] };
  return doc.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []);
}

/** The same sample through `aibt notebook run`, in a copy of its own folder. */
function runWithAibt(name: string): Output[][] {
  const cache = path.join(repoRoot, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, "aibt-samples-"));
  for (const file of readdirSync(notebooks)) copyFileSync(path.join(notebooks, file), path.join(dir, file));
  const out = path.join(dir, `${name}.out.aibtnb`);
  const run = spawnSync(process.execPath, [path.join(repoRoot, "dist/cli.js"), "notebook", "run", `${name}.aibtnb`, "--out", out], { cwd: dir, encoding: "utf8", timeout: 300_000 });
  if (run.status !== 0) throw new Error(`aibt notebook run failed on ${name}: ${run.stderr}`);
  const doc = JSON.parse(readFileSync(out, "utf8")) as { cells: { cell_type: string; outputs?: Output[] }[] };
  return doc.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []);
}

const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
const kinds = (cells: Output[][]) => cells.flat().flatMap((o) => Object.keys(o.data ?? {}));

const SAMPLES = ["getting-started", "intraday-replay", "compare-runs", "llm-model"];

/** What every sample must show, whoever ran it. */
function expectPromised(name: string, cells: Output[][]): void {
  const all = cells.flat();
  expect(all.filter((o) => o.output_type === "error")).toEqual([]);
  expect(all.filter((o) => o.output_type === "stream" && /Error|error TS|\d+:\d+ - /.test(text(o)))).toEqual([]);
  expect(kinds(cells)).toContain("application/vnd.vegalite.v5+json");
  expect(kinds(cells)).toContain("image/svg+xml");
  if (name === "getting-started") {
    expect(kinds(cells).filter((k) => k === "application/vnd.vegalite.v5+json")).toHaveLength(2);
    expect(JSON.stringify(all)).toMatch(/aibt-metrics/);
  }
  if (name === "llm-model") expect(all.map(text).join("")).toMatch(/LLM exchanges: 0 live, 164 from the cassette/);
  if (name === "compare-runs") expect(JSON.stringify(all)).toMatch(/\| sharpe \|/);
  if (name === "intraday-replay") expect(all.map(text).join("")).toMatch(/buy \d+ at [\d.]+ \(close .* broke the 15-bar opening range/);
}

describe("the sample notebooks through aibt notebook run", () => {
  for (const name of SAMPLES) it(`${name} runs with its charts and tables`, () => expectPromised(name, runWithAibt(name)), 300_000);
});

describe("the sample notebooks in Jupyter with tslab", () => {
  for (const name of SAMPLES) it(`${name} runs from top to bottom with its charts and tables`, (context) => {
    if (ready !== undefined) {
      if (process.env.CI) throw new Error(ready);
      return context.skip();
    }
    expectPromised(name, execute(name));
  }, 300_000);
});
