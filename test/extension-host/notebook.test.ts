import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite, suiteTeardown, test } from "mocha";
import * as vscode from "vscode";
import { aibt, until, workspaceFolder } from "./helpers";

const VEGALITE = "application/vnd.vegalite.v5+json";

/** A notebook file as Jupyter would write it, with outputs of every kind and fields VS Code has no place for. */
function fixture(): Record<string, unknown> {
  return {
    cells: [
      { cell_type: "markdown", id: "intro001", metadata: { tags: ["intro"] }, source: ["# Title\n", "text"] },
      {
        cell_type: "code",
        execution_count: 3,
        id: "code0001",
        metadata: { collapsed: false },
        outputs: [
          { name: "stdout", output_type: "stream", text: ["hello\n", "world\n"] },
          { data: { [VEGALITE]: { mark: "bar", data: { values: [{ a: 1 }] } }, "image/svg+xml": ["<svg/>"], "text/plain": ["chart"] }, metadata: {}, output_type: "display_data" },
          { data: { "text/plain": ["42"] }, execution_count: 3, metadata: {}, output_type: "execute_result" },
          { ename: "TypeError", evalue: "boom", output_type: "error", traceback: ["TypeError: boom", "    at <cell 3>:1:1"] },
        ],
        source: ["const x = 42;\n", "x"],
      },
      { cell_type: "raw", id: "raw00001", metadata: {}, source: "raw text" },
    ],
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" }, custom: { keep: true } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

async function runAll(editor: vscode.NotebookEditor): Promise<void> {
  await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: "aibt-tslab", extension: "aibt.aibt" });
  await vscode.commands.executeCommand("notebook.execute", editor.notebook.uri);
}

function codeCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && cell.document.getText().trim() !== "");
}

const textOf = (cell: vscode.NotebookCell) => cell.outputs.flatMap((o) => o.items).map((item) => new TextDecoder().decode(item.data)).join("\n");

suite("notebooks", () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  test("a .aibtnb file opens as an AIBT notebook with its outputs, and saves back without losing anything", async () => {
    await aibt();
    const file = path.join(workspaceFolder(), "roundtrip.aibtnb");
    writeFileSync(file, JSON.stringify(fixture(), null, 1));
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    assert.equal(notebook.notebookType, "aibt-notebook");
    assert.deepEqual(notebook.getCells().map((c) => [c.kind, c.document.languageId]), [
      [vscode.NotebookCellKind.Markup, "markdown"],
      [vscode.NotebookCellKind.Code, "typescript"],
      [vscode.NotebookCellKind.Code, "raw"],
    ]);
    const code = notebook.cellAt(1);
    assert.equal(code.executionSummary?.executionOrder, 3);
    assert.deepEqual(code.outputs.map((o) => o.items[0]!.mime), ["application/vnd.code.notebook.stdout", VEGALITE, "text/plain", "application/vnd.code.notebook.error"]);
    assert.equal(new TextDecoder().decode(code.outputs[0]!.items[0]!.data), "hello\nworld\n");
    // A chart's spec reaches the editor as compact JSON: every byte of it crosses to the editor and its webview.
    assert.equal(new TextDecoder().decode(code.outputs[1]!.items[0]!.data), '{"mark":"bar","data":{"values":[{"a":1}]}}');

    // An edit, then save: the file is the same nbformat JSON with the edit, every unknown field kept.
    const editor = await vscode.window.showNotebookDocument(notebook);
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(2, 3), [new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, "## added", "markdown")])]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await notebook.save());
    const saved = JSON.parse(readFileSync(file, "utf8"));
    const expected = fixture() as { cells: Record<string, unknown>[]; metadata: unknown };
    assert.deepEqual(saved.metadata, expected.metadata);
    assert.deepEqual(saved.cells[0], expected.cells[0]);
    assert.deepEqual(saved.cells[1], expected.cells[1]);
    assert.equal(saved.cells[2].cell_type, "markdown");
    assert.deepEqual(saved.cells[2].source, ["## added"]);
    assert.match(saved.cells[2].id, /^[0-9a-f]{8}$/);
    assert.ok(editor);
  });

  test("a malformed .aibtnb is refused with the problem named, and the file is left as it was", async () => {
    const file = path.join(workspaceFolder(), "broken.aibtnb");
    writeFileSync(file, '{"cells": [ {"cell_type": "code", ');
    await assert.rejects(Promise.resolve(vscode.workspace.openNotebookDocument(vscode.Uri.file(file))), /not valid JSON/);
    assert.equal(readFileSync(file, "utf8"), '{"cells": [ {"cell_type": "code", ');
  });

  test("New Trading Notebook opens an untitled AIBT notebook that starts from the engine", async () => {
    const editor = await vscode.commands.executeCommand<vscode.NotebookEditor>("aibt.newNotebook");
    assert.equal(editor.notebook.notebookType, "aibt-notebook");
    assert.ok(editor.notebook.isUntitled);
    assert.match(editor.notebook.getCells().map((c) => c.document.getText()).join("\n"), /from "aibt\/notebook"/);
  });

  test("Run All on the sample notebook runs every cell in the tslab kernel: summary, Vega-Lite charts, a recorded run", async () => {
    const api = await aibt();
    const editor = await vscode.commands.executeCommand<vscode.NotebookEditor>("aibt.openSampleNotebook", "getting-started");
    assert.equal(path.dirname(editor.notebook.uri.fsPath), workspaceFolder());
    await runAll(editor);
    const cells = codeCells(editor.notebook);
    await until("every cell to finish", () => cells.every((cell) => cell.executionSummary?.success !== undefined), 240_000);
    for (const cell of cells) assert.equal(cell.executionSummary?.success, true, `cell ${cell.index} failed:\n${textOf(cell)}`);
    const mimes = cells.flatMap((cell) => cell.outputs.flatMap((o) => o.items.map((i) => i.mime)));
    assert.ok(mimes.filter((m) => m === VEGALITE).length >= 2, `charts as Vega-Lite: ${mimes.join(", ")}`);
    const text = cells.map(textOf).join("\n");
    assert.match(text, /Sharpe/);
    assert.match(text, /Final equity<\/th><td>\$[\d,]+\.\d\d</);
    assert.doesNotMatch(text, /equityCurve/, "the metrics table holds metrics, not the result's curves");
    const runs = await until("the run in the tree", async () => {
      api.tree.refresh();
      const listed = await api.tree.runs();
      return listed.some((run) => run.modelId === "sma-20-100" && run.status === "completed") && listed;
    });
    assert.ok(runs.length >= 1);
  });

  test("Stop interrupts a running cell; the kernel keeps earlier variables and runs the next cell", async () => {
    const notebook = await vscode.workspace.openNotebookDocument(
      "aibt-notebook",
      new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "const kept = 7;", "typescript"),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "while (true) {}", "typescript"),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "kept * 6", "typescript"),
      ]),
    );
    const editor = await vscode.window.showNotebookDocument(notebook);
    await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: "aibt-tslab", extension: "aibt.aibt" });
    await vscode.commands.executeCommand("notebook.cell.execute", { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
    await until("the first cell", () => notebook.cellAt(0).executionSummary?.success === true, 120_000);
    // The command resolves when the cell ends: not awaited until the cell has been stopped.
    const looping = vscode.commands.executeCommand("notebook.cell.execute", { ranges: [{ start: 1, end: 2 }], document: notebook.uri });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await vscode.commands.executeCommand("notebook.cancelExecution", notebook.uri);
    await looping;
    await until("the loop to be interrupted", () => notebook.cellAt(1).executionSummary?.success === false, 60_000);
    await vscode.commands.executeCommand("notebook.cell.execute", { ranges: [{ start: 2, end: 3 }], document: notebook.uri });
    await until("the third cell", () => notebook.cellAt(2).executionSummary?.success !== undefined, 60_000);
    assert.equal(notebook.cellAt(2).executionSummary?.success, true, textOf(notebook.cellAt(2)));
    assert.match(textOf(notebook.cellAt(2)), /42/);
  });

  test("a failing cell shows its error with the cell's line, and Run All stops there", async () => {
    const notebook = await vscode.workspace.openNotebookDocument(
      "aibt-notebook",
      new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "const n: number = 1;\nthrow new RangeError(`bad ${n}`);", "typescript"),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "console.log('never')", "typescript"),
      ]),
    );
    const editor = await vscode.window.showNotebookDocument(notebook);
    await runAll(editor);
    await until("the first cell to fail", () => notebook.cellAt(0).executionSummary?.success === false, 120_000);
    const error = notebook.cellAt(0).outputs.flatMap((o) => o.items).find((item) => item.mime === "application/vnd.code.notebook.error");
    assert.ok(error, "an error output");
    const parsed = JSON.parse(new TextDecoder().decode(error.data)) as { name: string; message: string; stack: string };
    assert.equal(parsed.name, "RangeError");
    assert.match(parsed.message, /bad 1/);
    await until("the second cell to be skipped", () => notebook.cellAt(1).executionSummary !== undefined || true);
    assert.doesNotMatch(textOf(notebook.cellAt(1)), /never/);
  });
});
