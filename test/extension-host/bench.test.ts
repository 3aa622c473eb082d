import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import { equityChart } from "../../src/charts/run-charts";
import { mimeBundle } from "../../src/charts/index";
import { RunStore } from "../../src/store/runs";
import { RunWriter } from "../../src/store/run-writer";
import { aibt, until } from "./helpers";

// The editor's speed figures (`npm run bench:editor`): measured in the real extension host, written to
// AIBT_EH_BENCH. Figures, never assertions: the README keeps them next to their targets.
suite("benchmarks", () => {
  const figures: Record<string, number> = {};

  test("activation, a notebook with 20 chart outputs, a tree of 1,000 runs", async function () {
    if (!process.env.AIBT_EH_BENCH) this.skip();
    const api = await aibt();
    figures.activationMs = api.activationMs;

    // A notebook of 20 cells, each with a Vega-Lite chart output (and its SVG fallback).
    const times = Array.from({ length: 250 }, (_, i) => Date.UTC(2024, 0, 2) + i * 86_400_000);
    const equity = times.map((_, i) => 100_000 * (1 + 0.1 * Math.sin(i / 20)));
    const spec = equityChart({ title: "sma-cross on SYN", symbol: "SYN", times, equity, fills: [] });
    const bundle = await mimeBundle(spec);
    const cells = Array.from({ length: 20 }, (_, i) => ({ cell_type: "code", execution_count: i + 1, id: `cell${String(i).padStart(4, "0")}`, metadata: {}, source: [`chart ${i}`], outputs: [{ output_type: "display_data", data: bundle, metadata: {} }] }));
    const dir = mkdtempSync(path.join(tmpdir(), "aibt-bench-"));
    const file = path.join(dir, "twenty.aibtnb");
    writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    // The first notebook opened in a window also loads the notebook editor itself: measured apart.
    let started = performance.now();
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(file)));
    figures.openNotebook20ColdMs = performance.now() - started;
    figures.notebookOutputs = cells.length;
    // Then, alternated in rounds so that the machine's noise falls on all alike: the same 20 cells with
    // the charts, with plain text outputs of the same size (the editor's own cost of such outputs), and
    // with no outputs at all (the reference). Medians.
    const size = JSON.stringify(bundle).length;
    const variants: Record<string, unknown[]> = {
      openNotebook20Ms: [{ output_type: "display_data", data: bundle, metadata: {} }],
      openNotebook20TextMs: [{ output_type: "stream", name: "stdout", text: "x".repeat(size - 1) + "\n" }],
      openNotebookNoOutputsMs: [],
    };
    // Each time is split too: reading the document (our serializer, and the outputs' bytes crossing to
    // the editor) and showing it (the editor's layout and the outputs' webview).
    const samples: Record<string, number[]> = {};
    for (let round = 0; round < 7; round++) {
      for (const [name, outputs] of Object.entries(variants)) {
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        await new Promise((resolve) => setTimeout(resolve, 500));
        const variant = path.join(dir, `${name}-${round}.aibtnb`);
        writeFileSync(variant, JSON.stringify({ cells: cells.map((cell) => ({ ...cell, outputs })), metadata: {}, nbformat: 4, nbformat_minor: 5 }));
        started = performance.now();
        const document = await vscode.workspace.openNotebookDocument(vscode.Uri.file(variant));
        const read = performance.now();
        await vscode.window.showNotebookDocument(document);
        (samples[name] ??= []).push(performance.now() - started);
        (samples[name.replace(/Ms$/, "DocumentMs")] ??= []).push(read - started);
      }
    }
    for (const [name, values] of Object.entries(samples)) figures[name] = values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

    // 1,000 finished runs of 10 models, written the way any run is.
    const store = path.join(dir, "store");
    mkdirSync(store);
    for (let i = 0; i < 1_000; i++) {
      const writer = await RunWriter.start(path.join(store, ".aibt", "runs"), { modelId: `model-${i % 10}`, mode: "daily", stepsTotal: 10, snapshot: { i }, data: { symbol: "SPX", from: "2020-01-02", to: "2020-01-15" } }, { flushIntervalMs: 60_000 });
      for (let step = 0; step < 10; step++) writer.step({ step, time: step, equity: 100 + step, cash: 100, exposure: 0 });
      writer.finish("completed", { metrics: { sharpe: i / 1_000, totalReturn: 0.01 } });
    }
    // Reference: the engine listing the same runs, without the tree.
    started = performance.now();
    const listed = (await new RunStore(store).list()).runs.length;
    figures.listRunsMs = performance.now() - started;
    api.tree.setFolder(store);
    started = performance.now();
    let items = 0;
    for (const model of await api.tree.getChildren()) {
      api.tree.getTreeItem(model);
      for (const run of await api.tree.getChildren(model)) {
        api.tree.getTreeItem(run);
        items++;
      }
    }
    figures.tree1000Ms = performance.now() - started;
    figures.treeRuns = items;
    figures.listedRuns = listed;
    api.tree.setFolder(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    await until("the figures", () => items === 1_000);
    writeFileSync(process.env.AIBT_EH_BENCH!, JSON.stringify(figures, null, 2));
  });
});
