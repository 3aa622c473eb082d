/** AIBT: New Trading Notebook and AIBT: Open Sample Notebook. */
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import { newNotebook, parseNotebook } from "../../kernel/notebook-format";
import { NOTEBOOK_TYPE, toNotebookData } from "../notebook/serializer";
import { UserFacingError, workspaceFolder } from "../settings";

const STARTER = newNotebook([
  { cell_type: "markdown", source: "# Trading notebook\n\nCells are TypeScript run by tslab. Runs are recorded in `.aibt/` beside this notebook and appear in the AIBT view." },
  { cell_type: "code", source: 'import * as aibt from "aibt/notebook";\n\n// Models and runs live beside this notebook, in .aibt/.\nconst here = process.cwd();' },
  { cell_type: "code", source: '// The shipped S&P 500 daily sample (2000-2020); pass data: "my-bars.csv" for your own.\nconst result = await aibt.backtest({ workspace: here, strategy: "sma-cross", fast: 20, slow: 100, commission: 0.001 });\naibt.showSummary(result);' },
  { cell_type: "code", source: "await aibt.showChart(aibt.equityChart(aibt.chartDataFromResult(result)));" },
]);

export async function newTradingNotebook(): Promise<vscode.NotebookEditor> {
  const document = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, toNotebookData(structuredClone(STARTER)));
  return await vscode.window.showNotebookDocument(document);
}

/** The samples shipped in the extension's notebooks/ folder, by title. */
export function samples(extensionPath: string): { label: string; description: string; file: string }[] {
  const dir = path.join(extensionPath, "notebooks");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".aibtnb"))
    .sort((a, b) => (a === "getting-started.aibtnb" ? -1 : b === "getting-started.aibtnb" ? 1 : a.localeCompare(b)))
    .map((name) => {
      const file = path.join(dir, name);
      const title = parseNotebook(readFileSync(file, "utf8"), file).cells.find((cell) => cell.cell_type === "markdown")?.source.match(/^#\s+(.+)$/m)?.[1];
      return { label: title ?? name, description: name, file };
    });
}

/**
 * Copies a sample (and the files beside it that it names, e.g. a model and its cassette) into the
 * workspace folder, where its runs are recorded and it can be edited, then opens it. A copy already
 * there is opened as it is, never overwritten.
 */
export async function openSampleNotebook(extensionPath: string, name?: string): Promise<vscode.NotebookEditor | undefined> {
  const folder = workspaceFolder();
  if (!folder) throw new UserFacingError("Open a folder first: the sample notebook is copied there, and its runs are recorded in its .aibt", "File: Open Folder");
  const all = samples(extensionPath);
  const chosen = name ? all.find((sample) => sample.description === name || sample.description === `${name}.aibtnb`) : await vscode.window.showQuickPick(all, { title: "AIBT: Open Sample Notebook" });
  if (!chosen) {
    if (name) throw new UserFacingError(`there is no sample notebook "${name}"`, `Samples: ${all.map((s) => s.description).join(", ")}`);
    return undefined;
  }
  const target = path.join(folder, path.basename(chosen.file));
  if (!existsSync(target)) {
    copyFileSync(chosen.file, target);
    const text = readFileSync(chosen.file, "utf8");
    for (const companion of readdirSync(path.dirname(chosen.file))) {
      if (companion.endsWith(".aibtnb") || !text.includes(companion)) continue;
      const to = path.join(folder, companion);
      if (!existsSync(to)) copyFileSync(path.join(path.dirname(chosen.file), companion), to);
    }
  }
  const document = await vscode.workspace.openNotebookDocument(vscode.Uri.file(target));
  return await vscode.window.showNotebookDocument(document);
}
