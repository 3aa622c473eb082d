import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import { aibt, sleep, workspaceFolder } from "./helpers";

// Runs in its own launch with Workspace Trust on and the folder not trusted (the vitest side starts it
// with AIBT_WORKSPACE_TRUST=1); in the main launch trust is off and these are skipped.
suite("Restricted Mode", () => {
  test("no notebook cell runs in an untrusted folder, and no kernel starts", async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const api = await aibt();
    const notebook = await vscode.workspace.openNotebookDocument("aibt-notebook", new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, "console.log('ran')", "typescript")]));
    const editor = await vscode.window.showNotebookDocument(notebook);
    await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: "aibt-tslab", extension: "aibt.aibt" });
    // VS Code asks for trust before it hands a cell to any controller (the tests refuse the dialog);
    // the controller refuses too, should a cell reach it.
    await Promise.race([vscode.commands.executeCommand("notebook.execute", notebook.uri), sleep(10_000)]);
    await sleep(2_000);
    const text = notebook.cellAt(0).outputs.flatMap((o) => o.items).map((item) => new TextDecoder().decode(item.data)).join("\n");
    assert.doesNotMatch(text, /^ran$/m);
    assert.notEqual(notebook.cellAt(0).executionSummary?.success, true);
    assert.equal(await api.kernels.kernelOf(notebook), undefined, "no tslab kernel was started");
  });

  test("no backtest starts in an untrusted folder, and nothing is written", async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const api = await aibt();
    const result = await vscode.commands.executeCommand("aibt.runBacktest", { model: "sma-cross", data: "sample" });
    assert.equal(result, undefined);
    assert.equal(api.jobs.running.length, 0);
    assert.ok(!existsSync(path.join(workspaceFolder(), ".aibt", "runs")));
    // The palette and the tree's buttons are disabled too (the commands' enablement).
    const commands = vscode.extensions.getExtension("aibt.aibt")!.packageJSON.contributes.commands as { command: string; enablement?: string }[];
    for (const id of ["aibt.runBacktest", "aibt.replaySession"]) assert.equal(commands.find((c) => c.command === id)?.enablement, "isWorkspaceTrusted");
  });
});
