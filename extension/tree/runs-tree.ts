/**
 * The Models and Runs view: models (from .aibt/models) with their runs (from .aibt/runs) beneath. It
 * refreshes when any file under .aibt changes, whoever wrote it (a notebook kernel, the CLI, an MCP
 * client, this window), so a run started anywhere appears and its progress moves.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type { ModelDefinition } from "../../src/store/model-definition";
import { ModelStore } from "../../src/store/models";
import type { RunCard } from "../../src/store/run-record";
import { RunStore } from "../../src/store/runs";
import { modelDescription, runLabel } from "./run-labels";

export type TreeNode =
  | { kind: "model"; id: string; definition?: ModelDefinition; runs: RunCard[] }
  | { kind: "run"; card: RunCard; ref: string }
  | { kind: "problem"; file: string; message: string };

const REFRESH_DEBOUNCE_MS = 150;

export class RunsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private snapshot: Promise<TreeNode[]> | undefined;
  /** Run refs this window is running right now: shown live even between card writes. */
  private readonly live = new Map<string, { stepsDone: number; stepsTotal: number }>();

  constructor(private folder: string | undefined) {
    this.watch();
  }

  /** The store folder changed (setting or workspace): look there from now on. */
  setFolder(folder: string | undefined): void {
    this.folder = folder;
    this.watch();
    this.refresh();
  }

  get storeFolder(): string | undefined {
    return this.folder;
  }

  refresh(): void {
    this.snapshot = undefined;
    this.changed.fire(undefined);
  }

  /** Progress of a run this window started, between the card writes (about once a second). */
  setLive(ref: string, progress: { stepsDone: number; stepsTotal: number } | undefined): void {
    if (progress) this.live.set(ref, progress);
    else this.live.delete(ref);
    this.scheduleRefresh();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === "problem") {
      const item = new vscode.TreeItem(path.basename(node.file), vscode.TreeItemCollapsibleState.None);
      item.description = "cannot be read";
      item.tooltip = `${node.file}\n${node.message}`;
      item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("list.warningForeground"));
      item.contextValue = "aibt.problem";
      item.resourceUri = vscode.Uri.file(node.file);
      item.command = { command: "vscode.open", title: "Open", arguments: [vscode.Uri.file(node.file)] };
      return item;
    }
    if (node.kind === "model") {
      const item = new vscode.TreeItem(node.definition?.name ?? node.id, node.runs.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `model:${node.id}`;
      item.description = node.definition ? modelDescription(node.definition, node.runs.length) : `built-in strategy · ${node.runs.length} run${node.runs.length === 1 ? "" : "s"}`;
      item.tooltip = node.definition ? `${node.id}${node.definition.description ? `\n${node.definition.description}` : ""}` : `${node.id}: runs of a built-in strategy without a model file`;
      item.iconPath = new vscode.ThemeIcon(node.definition?.strategy.kind === "llm" ? "sparkle" : "symbol-method");
      item.contextValue = node.definition ? "aibt.model" : "aibt.builtin";
      return item;
    }
    const progress = this.live.get(node.ref);
    const card = progress ? { ...node.card, ...progress, status: "running" as const } : node.card;
    const label = runLabel(card, card.status === "running" && (progress !== undefined || node.card.status === "running"));
    const item = new vscode.TreeItem(label.label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${node.ref}`;
    item.description = label.description;
    item.tooltip = label.tooltip;
    item.iconPath = new vscode.ThemeIcon(label.icon, label.color ? new vscode.ThemeColor(label.color) : undefined);
    item.contextValue = label.contextValue;
    item.command = { command: "aibt.openReport", title: "Open Run Report", arguments: [node] };
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return await (this.snapshot ??= this.read());
    return node.kind === "model" ? node.runs.map((card) => ({ kind: "run", card, ref: `${card.modelId}/${card.id}` })) : [];
  }

  /** The runs currently listed (for pickers: Compare With, Cancel Run). */
  async runs(): Promise<RunCard[]> {
    const roots = await this.getChildren();
    return roots.flatMap((node) => (node.kind === "model" ? node.runs : []));
  }

  private async read(): Promise<TreeNode[]> {
    if (!this.folder || !existsSync(this.folder)) return [];
    const { models, problems: modelProblems } = new ModelStore(this.folder).list();
    const { runs, problems: runProblems } = await new RunStore(this.folder).list();
    const byModel = new Map<string, RunCard[]>();
    for (const run of runs) byModel.set(run.modelId, [...(byModel.get(run.modelId) ?? []), run]);
    const nodes: TreeNode[] = models.map((definition) => ({ kind: "model", id: definition.id, definition, runs: byModel.get(definition.id) ?? [] }));
    for (const [id, cards] of byModel) if (!models.some((m) => m.id === id)) nodes.push({ kind: "model", id, runs: cards });
    for (const problem of [...modelProblems, ...runProblems]) nodes.push({ kind: "problem", file: problem.file, message: problem.message });
    return nodes;
  }

  private watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    if (!this.folder) return;
    // VS Code's watcher, not fs.watch: it copes with .aibt not existing yet and with folders outside the workspace.
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.folder), ".aibt/**"));
    const onChange = () => this.scheduleRefresh();
    this.watcher.onDidChange(onChange);
    this.watcher.onDidCreate(onChange);
    this.watcher.onDidDelete(onChange);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher?.dispose();
    this.changed.dispose();
  }
}
