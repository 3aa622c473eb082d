/** AIBT: Open Run Report, Compare Runs and Compare With...: pick the runs, then the report webview. */
import * as vscode from "vscode";
import { showRunComparison, showRunReport } from "../report/report-panel";
import { requireStoreFolder } from "../settings";
import type { RunsTree } from "../tree/runs-tree";
import { runRef } from "./runs";

export async function openReport(context: vscode.ExtensionContext, tree: RunsTree, target?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const ref = await runRef(tree, target, "AIBT: Open Run Report");
  return ref ? await showRunReport(context, requireStoreFolder(), ref) : undefined;
}

export async function compareRuns(context: vscode.ExtensionContext, tree: RunsTree, first?: unknown, second?: unknown): Promise<vscode.WebviewPanel | undefined> {
  const a = await runRef(tree, first, "AIBT: Compare Runs (first run)");
  if (!a) return undefined;
  const b = await runRef(tree, second, `AIBT: Compare ${a} with...`);
  if (!b) return undefined;
  return await showRunComparison(context, requireStoreFolder(), a, b);
}
