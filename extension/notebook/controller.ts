/**
 * The notebook controller: cells run in a tslab kernel (kernel/jupyter), one kernel process per open
 * notebook, started on the first run in the notebook's own folder and stopped when it closes. Outputs
 * stream into the cell as the kernel sends them; Stop interrupts the kernel; a failing cell stops Run
 * All, as in Jupyter.
 */
import path from "node:path";
import * as vscode from "vscode";
import { type CellOutput, type ExecutionResult, TslabKernel } from "../../kernel/jupyter/index";
import type { ApiKeys } from "../secrets";
import { readSettings } from "../settings";
import { RESTRICTED_MESSAGE, trustedOrExplain } from "../trust";
import { CELL_LANGUAGE, NOTEBOOK_TYPE } from "./serializer";
import { toCellOutput } from "./outputs";

export class NotebookKernels implements vscode.Disposable {
  private readonly controllers: vscode.NotebookController[] = [];
  private readonly kernels = new Map<string, Promise<TslabKernel>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly keys: ApiKeys) {
    // The same kernel serves ordinary TypeScript .ipynb notebooks, for people who keep Jupyter's format.
    for (const [id, type, label] of [
      ["aibt-tslab", NOTEBOOK_TYPE, "AIBT (TypeScript, tslab)"],
      ["aibt-tslab-ipynb", "jupyter-notebook", "AIBT (TypeScript, tslab)"],
    ] as const) {
      const controller = vscode.notebooks.createNotebookController(id, type, label);
      controller.supportedLanguages = [CELL_LANGUAGE];
      controller.supportsExecutionOrder = true;
      controller.description = "Runs cells with the aibt engine";
      controller.executeHandler = (cells, notebook, self) => this.execute(cells, notebook, self);
      controller.interruptHandler = (notebook) => this.interrupt(notebook);
      if (type === NOTEBOOK_TYPE) controller.updateNotebookAffinity = () => undefined;
      this.controllers.push(controller);
    }
    this.subscriptions.push(vscode.workspace.onDidCloseNotebookDocument((notebook) => void this.shutdown(notebook.uri.toString())));
  }

  /** The kernel of a notebook, if one is running (for tests and the restart command). */
  async kernelOf(notebook: vscode.NotebookDocument): Promise<TslabKernel | undefined> {
    return this.kernels.get(notebook.uri.toString());
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    const kernel = this.kernels.get(notebook.uri.toString());
    if (kernel) await (await kernel).restart();
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      trustedOrExplain("Running notebook cells");
      for (const cell of cells) {
        const execution = controller.createNotebookCellExecution(cell);
        execution.start(Date.now());
        await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "Restricted Mode", message: `${RESTRICTED_MESSAGE} Trust the folder (Manage Workspace Trust) to run this cell.` })]));
        execution.end(false, Date.now());
      }
      return;
    }
    for (const [index, cell] of cells.entries()) {
      const ok = await this.executeCell(cell, notebook, controller);
      if (!ok) {
        // Like Jupyter's Run All: cells after a failure do not run, and say nothing.
        for (const rest of cells.slice(index + 1)) {
          const skipped = controller.createNotebookCellExecution(rest);
          skipped.start();
          skipped.end(undefined);
        }
        return;
      }
    }
  }

  private async executeCell(cell: vscode.NotebookCell, notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<boolean> {
    const execution = controller.createNotebookCellExecution(cell);
    const cancelled = new AbortController();
    const onCancel = execution.token.onCancellationRequested(() => cancelled.abort());
    execution.start(Date.now());
    await execution.clearOutput();
    try {
      if (cell.document.getText().trim() === "") {
        execution.end(true, Date.now());
        return true;
      }
      const kernel = await this.kernelFor(notebook, cancelled.signal);
      const shown: vscode.NotebookCellOutput[] = [];
      const byDisplayId = new Map<string, vscode.NotebookCellOutput>();
      let streamName: string | undefined;
      // Output arrives while the cell runs; each append is awaited in order so nothing reorders.
      let pending = Promise.resolve();
      const onOutput = (output: CellOutput, update: boolean) => {
        pending = pending.then(() => this.show(execution, shown, byDisplayId, output, update, streamName)).catch(() => undefined);
        streamName = output.output_type === "stream" ? output.name : undefined;
      };
      const result: ExecutionResult = await kernel.execute(cell.document.getText(), { onOutput }, cancelled.signal);
      await pending;
      if (result.executionCount !== null) execution.executionOrder = result.executionCount;
      execution.end(result.status === "ok", Date.now());
      return result.status === "ok";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "Kernel", message })]));
      execution.end(false, Date.now());
      return false;
    } finally {
      onCancel.dispose();
    }
  }

  private async show(
    execution: vscode.NotebookCellExecution,
    shown: vscode.NotebookCellOutput[],
    byDisplayId: Map<string, vscode.NotebookCellOutput>,
    output: CellOutput,
    update: boolean,
    previousStream: string | undefined,
  ): Promise<void> {
    const displayId = output.output_type === "display_data" ? output.transient?.display_id : undefined;
    const existing = displayId ? byDisplayId.get(displayId) : undefined;
    if (update && existing) {
      await execution.replaceOutputItems(toCellOutput(output).items, existing);
      return;
    }
    const last = shown[shown.length - 1];
    if (output.output_type === "stream" && last && previousStream === output.name) {
      // Consecutive prints of one stream read as one block, as Jupyter shows them.
      await execution.appendOutputItems(toCellOutput(output).items, last);
      return;
    }
    const cellOutput = toCellOutput(output);
    shown.push(cellOutput);
    if (displayId) byDisplayId.set(displayId, cellOutput);
    await execution.appendOutput(cellOutput);
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const kernel = this.kernels.get(notebook.uri.toString());
    if (kernel) await (await kernel).interrupt();
  }

  private kernelFor(notebook: vscode.NotebookDocument, signal: AbortSignal): Promise<TslabKernel> {
    const key = notebook.uri.toString();
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = this.startKernel(notebook, signal);
      this.kernels.set(key, kernel);
      kernel.then(
        (started) => started.onDidDie(() => this.kernels.delete(key)),
        () => this.kernels.delete(key),
      );
    }
    return kernel;
  }

  private async startKernel(notebook: vscode.NotebookDocument, signal: AbortSignal): Promise<TslabKernel> {
    const folder = notebook.uri.scheme === "file" ? path.dirname(notebook.uri.fsPath) : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
    const settings = readSettings();
    const key = await this.keys.get();
    // The key reaches the kernel's environment (memory) only, for LLM models run from cells.
    const env: Record<string, string> = {};
    if (key) env.OPENAI_API_KEY = key.key;
    if (settings.baseUrl) env.OPENAI_BASE_URL = settings.baseUrl;
    return await TslabKernel.start({ cwd: folder, env }, signal);
  }

  private async shutdown(key: string): Promise<void> {
    const kernel = this.kernels.get(key);
    this.kernels.delete(key);
    if (kernel) await (await kernel.catch(() => undefined))?.shutdown();
  }

  async dispose(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const controller of this.controllers) controller.dispose();
    await Promise.all([...this.kernels.keys()].map((key) => this.shutdown(key)));
  }
}
