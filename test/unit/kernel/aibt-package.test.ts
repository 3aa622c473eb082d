// Notebooks in a user's own folder (outside the repository, no node_modules) import `aibt/notebook`
// and `aibt/engine` from the package the kernel code ships in, typed (a type error against the engine
// is still a compile error) and at run time, in a REAL tslab kernel and through the built `aibt
// notebook run`; a folder with its own node_modules/aibt keeps using that one.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultAibtPackage, findAibtPackage } from "../../../kernel/jupyter/aibt-package";
import { TslabKernel, type CellOutput, type ExecutionResult } from "../../../kernel/jupyter";
import { parseNotebook } from "../../../kernel/notebook-format";
import { backtest } from "../../../src/run/backtest";
import { syntheticSeries } from "../../../src/data/synthetic";
import { repoRoot } from "../../shared-data";
import { expectNoKernelLeft, KERNEL_TEST } from "./kernel-helpers";

const folders: string[] = [];
/** A fresh folder outside the repository, with nothing above it that Node or tslab would find. */
function userFolder(): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "aibt-user-notebook-")));
  folders.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  await expectNoKernelLeft();
}, 30_000);

/** Node's lookup from `dir`: is there a node_modules/<name> in it or any folder above? */
function lookupFinds(dir: string, name: string): boolean {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, "node_modules", name))) return true;
    if (path.dirname(at) === at) return false;
  }
}

const streams = (result: ExecutionResult, name: "stdout" | "stderr") =>
  result.outputs
    .filter((output): output is Extract<CellOutput, { output_type: "stream" }> => output.output_type === "stream" && output.name === name)
    .map((output) => output.text)
    .join("");

function compileError(result: ExecutionResult): string {
  expect(result.status).toBe("error");
  const error = result.outputs.find((output) => output.output_type === "error") as Extract<CellOutput, { output_type: "error" }> | undefined;
  expect(error?.ename).toBe("CompileError");
  return error!.evalue;
}

async function withKernel<T>(cwd: string, body: (kernel: TslabKernel) => Promise<T>): Promise<T> {
  const kernel = await TslabKernel.start({ cwd });
  try {
    return await body(kernel);
  } finally {
    await kernel.shutdown();
  }
}

describe("the aibt package the kernel lends", () => {
  it("is the package this code is part of: the repository, from source and from dist/", () => {
    expect(defaultAibtPackage()).toBe(repoRoot);
    expect(findAibtPackage(path.join(repoRoot, "dist"))).toBe(repoRoot);
    expect(findAibtPackage(path.join(repoRoot, "kernel", "jupyter"))).toBe(repoRoot);
    expect(findAibtPackage(userFolder())).toBeUndefined();
  });
});

describe("a notebook in a folder without node_modules", () => {
  it("imports aibt/notebook and aibt/engine, typed, and runs a backtest with them", KERNEL_TEST, async () => {
    const dir = userFolder();
    // Otherwise this would not prove anything: nothing above the folder provides aibt or @types/node.
    expect(lookupFinds(dir, "aibt")).toBe(false);
    expect(lookupFinds(dir, "@types/node")).toBe(false);
    const options = { symbols: ["SYNA"], start: "2020-01-02", bars: 300, interval: "daily" as const, seed: 7 };
    const expected = await backtest({ data: syntheticSeries(options), symbol: "SYNA", fast: 5, slow: 20 });

    await withKernel(dir, async (kernel) => {
      const run = await kernel.execute(
        [
          'import { backtest, syntheticSeries, type BacktestResult } from "aibt/notebook";',
          `const series = syntheticSeries(${JSON.stringify(options)});`,
          'const result: BacktestResult = await backtest({ data: series, symbol: "SYNA", fast: 5, slow: 20 });',
          "const fills: number = result.tradeLog.length;",
          'console.log(`${result.symbol}: ${result.bars} bars, ${fills} fills, final equity ${result.finalEquity.toFixed(2)}`);',
        ].join("\n"),
      );
      expect(streams(run, "stderr")).toBe("");
      expect(run.status).toBe("ok");
      expect(streams(run, "stdout")).toBe(`SYNA: ${expected.bars} bars, ${expected.tradeLog.length} fills, final equity ${expected.finalEquity.toFixed(2)}\n`);
      // aibt/notebook's own part ran too: the progress line, replaced by the result.
      expect(run.outputs).toContainEqual(expect.objectContaining({ output_type: "display_data", data: expect.objectContaining({ "text/plain": expect.stringMatching(/^Backtest completed: sma-cross on SYNA/) }) }));

      const engine = await kernel.execute('import { normalizeSymbol } from "aibt/engine";\nconst symbol: string = normalizeSymbol("eth-usd");\nsymbol');
      expect(engine.status).toBe("ok");
      expect(engine.outputs).toEqual([{ output_type: "execute_result", execution_count: engine.executionCount, data: { "text/plain": "ETH/USD" }, metadata: {} }]);

      // Resolved types, not `any`: the engine's declarations (and @types/node under them) were read.
      const wrong = await kernel.execute('const label: string = result.sharpe;\nsyntheticSeries({ symbols: ["X"] });');
      expect(compileError(wrong)).toMatch(/^1:7 - Type 'number' is not assignable to type 'string'\.\n2:17 - Argument of type .* is missing the following properties from type 'SyntheticOptions': start, bars, interval, seed$/s);
      const node = await kernel.execute('import { readFileSync } from "node:fs";\nconst size: string = readFileSync(__filename).length;');
      expect(compileError(node)).toBe("2:7 - Type 'number' is not assignable to type 'string'.");
      // The @types/node the engine was built against (the repository's, 20.x), not tslab's own (18.x,
      // which has no util.styleText): the kernel lent it to the folder.
      const types = await kernel.execute('import * as util from "node:util";\nconst style: typeof util.styleText | undefined = undefined;\nconsole.log(typeof style);');
      expect(types.status, JSON.stringify(types.outputs)).toBe("ok");
    });
  });

  it("imports the package given as aibtPackage, installed elsewhere like the extension's folder", KERNEL_TEST, async () => {
    // The extension's layout: its package.json, dist/ and the production node_modules the declarations import.
    const installed = userFolder();
    // Its own version, to tell it from the repository's.
    const manifest = { ...(JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as object), version: "9.9.9-installed" };
    writeFileSync(path.join(installed, "package.json"), JSON.stringify(manifest));
    symlinkSync(path.join(repoRoot, "dist"), path.join(installed, "dist"), "junction");
    mkdirSync(path.join(installed, "node_modules"));
    symlinkSync(path.join(repoRoot, "node_modules", "zod"), path.join(installed, "node_modules", "zod"), "junction");
    const dir = userFolder();

    const kernel = await TslabKernel.start({ cwd: dir, aibtPackage: installed });
    try {
      const run = await kernel.execute(
        [
          'import { backtest, syntheticSeries } from "aibt/notebook";',
          'const result = await backtest({ data: syntheticSeries({ symbols: ["SYNB"], start: "2021-01-04", bars: 120, interval: "daily", seed: 3 }), symbol: "SYNB", strategy: "buy-and-hold" });',
          'import manifest from "aibt/package.json";',
          "console.log(result.symbol, result.bars, manifest.version);",
        ].join("\n"),
      );
      expect(run.status, JSON.stringify(run.outputs)).toBe("ok");
      expect(streams(run, "stdout")).toBe("SYNB 120 9.9.9-installed\n");
      const wrong = await kernel.execute('backtest({ strategy: "no-such-strategy" });');
      expect(compileError(wrong)).toMatch(/^1:12 - Type '"no-such-strategy"' is not assignable to type/);
    } finally {
      await kernel.shutdown();
    }
  });

  it("a folder with its own node_modules/aibt (or one above it) keeps using that one", KERNEL_TEST, async () => {
    const dir = userFolder();
    const own = path.join(dir, "node_modules", "aibt");
    mkdirSync(own, { recursive: true });
    writeFileSync(
      path.join(own, "package.json"),
      JSON.stringify({ name: "aibt", version: "0.0.1", exports: { "./notebook": { types: "./notebook.d.ts", default: "./notebook.js" } }, typesVersions: { "*": { notebook: ["notebook.d.ts"] } } }),
    );
    writeFileSync(path.join(own, "notebook.js"), 'exports.origin = "the folder\'s own aibt";\n');
    writeFileSync(path.join(own, "notebook.d.ts"), 'export declare const origin: "the folder\'s own aibt";\n');
    const nested = path.join(dir, "research");
    mkdirSync(nested);

    for (const cwd of [dir, nested]) {
      await withKernel(cwd, async (kernel) => {
        // The literal type exists only in the folder's declarations; the value only in its notebook.js.
        const result = await kernel.execute('import { origin } from "aibt/notebook";\nconst mine: "the folder\'s own aibt" = origin;\nconsole.log(mine);');
        expect(result.status, JSON.stringify(result.outputs)).toBe("ok");
        expect(streams(result, "stdout")).toBe("the folder's own aibt\n");
        const missing = await kernel.execute('import { backtest } from "aibt/notebook";');
        expect(compileError(missing)).toMatch(/has no exported member 'backtest'/);
      });
    }
  });
});

describe("aibt notebook run on a notebook outside the repository", () => {
  it("runs the getting-started sample from its own folder", { timeout: 180_000 }, () => {
    const cli = path.join(repoRoot, "dist", "cli.js");
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first with \`node esbuild.mjs\``);
    const dir = userFolder();
    const file = path.join(dir, "getting-started.aibtnb");
    copyFileSync(path.join(repoRoot, "notebooks", "getting-started.aibtnb"), file);
    const run = spawnSync(process.execPath, [cli, "notebook", "run", file], { cwd: dir, encoding: "utf8", timeout: 170_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ran 5 of 5 code cells in [\d.]+ s; wrote /);
    const outputs = parseNotebook(readFileSync(file, "utf8"), file).cells.flatMap((cell) => cell.outputs ?? []);
    expect(outputs.filter((output) => output.output_type === "error")).toEqual([]);
    const kinds = outputs.flatMap((output) => Object.keys((output as { data?: object }).data ?? {}));
    expect(kinds.filter((kind) => kind === "application/vnd.vegalite.v5+json")).toHaveLength(2);
    expect(kinds).toContain("image/svg+xml");
    // The run was recorded beside the notebook, in the user's folder.
    expect(existsSync(path.join(dir, ".aibt", "runs", "sma-20-100"))).toBe(true);
  });
});
