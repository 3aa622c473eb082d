/**
 * The run commands: Run Backtest, Replay Intraday Session, Cancel Run, Delete Run, Reveal Run File and
 * Open Model Definition. Each takes its target from the tree item it was invoked on, from arguments
 * (other commands, tests), or asks.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import { BUILT_IN_STRATEGIES } from "../../src/run/backtest";
import { ModelStore } from "../../src/store/models";
import { readJournalHeader } from "../../src/store/recovery";
import { RunStore } from "../../src/store/runs";
import type { RunJob, RunJobs, RunOutcome } from "../runs/run-jobs";
import { runRequest } from "../runs/run-request";
import type { ApiKeys } from "../secrets";
import { readSettings, requireStoreFolder, UserFacingError } from "../settings";
import type { RunsTree, TreeNode } from "../tree/runs-tree";
import { trustedOrExplain } from "../trust";

/** What Run Backtest / Replay Intraday Session accept instead of asking. */
export interface RunArgs {
  model?: string;
  /** A data file, or "sample" for the shipped S&P 500 daily bars. */
  data?: string;
  symbol?: string;
  from?: string;
  to?: string;
  /** Replay: the session's day, YYYY-MM-DD. */
  date?: string;
  /** Replay: raw trades to aggregate instead of minute bars. */
  ticks?: string;
  /** Don't wait for the run to end (the command returns once it started). */
  background?: boolean;
}

export interface RunDeps {
  jobs: RunJobs;
  keys: ApiKeys;
  tree: RunsTree;
}

const SAMPLE = "sample";
const DATA_EXTENSIONS = new Set([".csv", ".jsonl", ".json"]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function runBacktest(deps: RunDeps, target?: TreeNode | RunArgs): Promise<RunOutcome | RunJob | undefined> {
  return await startRun(deps, "backtest", target);
}

export async function replaySession(deps: RunDeps, target?: TreeNode | RunArgs): Promise<RunOutcome | RunJob | undefined> {
  return await startRun(deps, "replay", target);
}

async function startRun(deps: RunDeps, kind: "backtest" | "replay", target?: TreeNode | RunArgs): Promise<RunOutcome | RunJob | undefined> {
  const verb = kind === "backtest" ? "Run Backtest" : "Replay Intraday Session";
  if (!trustedOrExplain(verb)) return undefined;
  const workspace = requireStoreFolder();
  const args: RunArgs = target && "kind" in target ? (target.kind === "model" ? { model: target.id } : {}) : { ...(target ?? {}) };
  const model = args.model ?? (await pickModel(workspace, verb));
  if (!model) return undefined;
  const data = args.data ?? (await pickData(kind, verb));
  if (!data) return undefined;
  const options: Record<string, unknown> = {};
  if (data !== SAMPLE) options.data = path.resolve(readSettings().dataFolder ?? workspace, data);
  if (args.symbol) options.symbol = args.symbol;
  if (kind === "backtest") {
    if (args.from) options.from = args.from;
    if (args.to) options.to = args.to;
  } else {
    const date = args.date ?? (await vscode.window.showInputBox({ title: `${verb}: trading day`, prompt: "The session to replay, YYYY-MM-DD", ignoreFocusOut: true, validateInput: (v) => (DAY.test(v.trim()) ? undefined : "A day as YYYY-MM-DD, e.g. 2013-10-07") }));
    if (!date) return undefined;
    options.date = date.trim();
    if (args.ticks) options.ticks = path.resolve(readSettings().dataFolder ?? workspace, args.ticks);
  }
  const request = await runRequest(deps.keys, kind, workspace, model, options);
  const title = `${kind === "backtest" ? "backtesting" : "replaying"} ${model}`;
  if (args.background) return deps.jobs.start(request, title);
  const { outcome } = await deps.jobs.startWithProgress(request, title);
  // Not awaited: a notification resolves only when the person dismisses it.
  void announce(outcome);
  return outcome;
}

/** Tells the person how a run ended, with the next step as a button. */
export async function announce(outcome: RunOutcome): Promise<void> {
  if (outcome.status === "error") {
    const keyProblem = /api key|401|403|unauthori[sz]ed/i.test(outcome.message);
    const choice = await vscode.window.showErrorMessage(`AIBT: ${outcome.message}`, ...(keyProblem ? ["Set API Key"] : []));
    if (choice === "Set API Key") await vscode.commands.executeCommand("aibt.setApiKey");
    return;
  }
  const { summary, run } = outcome;
  const ref = run ? `${run.modelId}/${run.id}` : summary.strategy;
  const text = `${(summary.totalReturn * 100).toFixed(1)}% return, Sharpe ${summary.sharpe.toFixed(2)}, ${summary.fills} fills`;
  const message = summary.status === "cancelled" ? `AIBT: ${ref} cancelled after ${summary.bars} bars (${text}).` : `AIBT: ${ref} ${summary.status}: ${text}.`;
  const choice = await vscode.window.showInformationMessage(message, ...(run ? ["Open Report"] : []));
  if (choice === "Open Report" && run) await vscode.commands.executeCommand("aibt.openReport", ref);
}

async function pickModel(workspace: string, verb: string): Promise<string | undefined> {
  const { models } = existsSync(path.join(workspace, ".aibt")) ? new ModelStore(workspace).list() : { models: [] };
  const items = [
    ...models.map((m) => ({ label: m.name, description: m.id, detail: m.strategy.kind === "llm" ? `LLM ${m.strategy.model}` : m.strategy.name, id: m.id })),
    ...BUILT_IN_STRATEGIES.map((name) => ({ label: name, description: "built-in strategy, default parameters", id: name })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${verb}: model`, placeHolder: "A model of this folder, or a built-in strategy", ignoreFocusOut: true });
  return picked?.id;
}

async function pickData(kind: "backtest" | "replay", verb: string): Promise<string | undefined> {
  const folder = readSettings().dataFolder;
  const files = folder ? dataFiles(folder) : [];
  const items: (vscode.QuickPickItem & { value: string })[] = [
    ...(kind === "backtest" ? [{ label: "$(database) Shipped sample", description: "S&P 500 daily bars 2000-2020 (vega-datasets)", value: SAMPLE }] : []),
    ...files.map((file) => ({ label: `$(file) ${path.relative(folder!, file)}`, value: file })),
    { label: "$(folder-opened) Browse...", value: "" },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${verb}: market data`, placeHolder: kind === "replay" ? "Minute bars (CSV) for the session" : "Daily bars", ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.value) return picked.value;
  const chosen = await vscode.window.showOpenDialog({ title: `${verb}: market data`, canSelectMany: false, filters: { "Market data": ["csv", "jsonl", "json"] } });
  return chosen?.[0]?.fsPath;
}

/** Data files in the data folder (not in .aibt or node_modules), two levels deep at most. */
function dataFiles(folder: string, depth = 0): string[] {
  if (!existsSync(folder) || depth > 2) return [];
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...dataFiles(full, depth + 1));
    else if (DATA_EXTENSIONS.has(path.extname(entry.name)) && !entry.name.endsWith(".cassette.jsonl")) found.push(full);
    if (found.length >= 200) break;
  }
  return found;
}

/** A run reference from a tree item, a ref string, or a pick among the listed runs. */
export async function runRef(tree: RunsTree, target: unknown, title: string, filter: (running: boolean) => boolean = () => true): Promise<string | undefined> {
  if (typeof target === "string") return target;
  if (target && typeof target === "object" && (target as TreeNode).kind === "run") return (target as Extract<TreeNode, { kind: "run" }>).ref;
  const runs = (await tree.runs()).filter((card) => filter(card.status === "running"));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`AIBT: no ${filter(true) && !filter(false) ? "running " : ""}runs in this folder yet.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((card) => ({ label: `${card.modelId}/${card.id}`, description: `${card.mode} · ${card.status}`, ref: `${card.modelId}/${card.id}` })),
    { title, ignoreFocusOut: true },
  );
  return picked?.ref;
}

export async function cancelRun(deps: RunDeps, target?: unknown): Promise<boolean> {
  // Runs of this window first: they stop at the next step and are recorded as cancelled.
  if (target === undefined && deps.jobs.running.length > 0) {
    const picked =
      deps.jobs.running.length === 1
        ? deps.jobs.running[0]
        : (await vscode.window.showQuickPick(deps.jobs.running.map((job) => ({ label: job.ref ?? job.title, description: `${job.step} of ${job.total}`, job })), { title: "AIBT: Cancel Run" }))?.job;
    picked?.cancel();
    return picked !== undefined;
  }
  const ref = await runRef(deps.tree, target, "AIBT: Cancel Run", (running) => running);
  if (!ref) return false;
  const job = deps.jobs.byRef(ref);
  if (job) {
    job.cancel();
    return true;
  }
  return await interruptWriter(requireStoreFolder(), ref);
}

/**
 * A run written by another process (the CLI, a notebook kernel): after confirmation, SIGINT to that
 * process, which the CLI takes as "cancel" (the run ends recorded as cancelled).
 */
async function interruptWriter(workspace: string, ref: string): Promise<boolean> {
  const files = new RunStore(workspace).resolve(ref);
  if (!existsSync(files.journal)) {
    void vscode.window.showInformationMessage(`AIBT: ${ref} is not running.`);
    return false;
  }
  const writer = readJournalHeader(files.journal)?.writer;
  if (!writer || writer.host !== hostname()) {
    void vscode.window.showWarningMessage(`AIBT: ${ref} is written by a process on ${writer?.host ?? "another machine"}; cancel it there.`);
    return false;
  }
  let command = `process ${writer.pid}`;
  try {
    command = readFileSync(`/proc/${writer.pid}/cmdline`, "utf8").split("\0").join(" ").trim() || command;
  } catch {
    // not Linux, or already gone: the pid is all there is to show
  }
  const choice = await vscode.window.showWarningMessage(`${ref} is being written by another process:\n${command}\nInterrupt it (SIGINT)?`, { modal: true }, "Interrupt");
  if (choice !== "Interrupt") return false;
  try {
    process.kill(writer.pid, "SIGINT");
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`AIBT: could not interrupt process ${writer.pid}: ${(error as Error).message}`);
    return false;
  }
}

export async function deleteRun(deps: RunDeps, target?: unknown, confirmed = false): Promise<boolean> {
  const ref = await runRef(deps.tree, target, "AIBT: Delete Run", (running) => !running);
  if (!ref) return false;
  if (!confirmed) {
    const choice = await vscode.window.showWarningMessage(`Delete run ${ref}? Its file and everything recorded in it are removed.`, { modal: true }, "Delete");
    if (choice !== "Delete") return false;
  }
  await new RunStore(requireStoreFolder()).delete(ref);
  deps.tree.refresh();
  return true;
}

export async function revealRunFile(deps: RunDeps, target?: unknown): Promise<vscode.Uri | undefined> {
  const ref = await runRef(deps.tree, target, "AIBT: Reveal Run File");
  if (!ref) return undefined;
  const uri = vscode.Uri.file(new RunStore(requireStoreFolder()).resolve(ref).database);
  // On the desktop the OS file manager; remotely (code-server, SSH) the Explorer.
  await vscode.commands.executeCommand(vscode.env.remoteName || vscode.env.uiKind === vscode.UIKind.Web ? "revealInExplorer" : "revealFileInOS", uri);
  return uri;
}

export async function openModelDefinition(target?: unknown): Promise<vscode.TextEditor | undefined> {
  const store = new ModelStore(requireStoreFolder());
  let id = typeof target === "string" ? target : target && typeof target === "object" && (target as TreeNode).kind === "model" ? (target as Extract<TreeNode, { kind: "model" }>).id : undefined;
  if (!id) {
    const picked = await vscode.window.showQuickPick(store.list().models.map((m) => ({ label: m.name, description: m.id })), { title: "AIBT: Open Model Definition" });
    id = picked?.description;
  }
  if (!id) return undefined;
  const file = store.fileOf(id);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserFacingError(`model ${id} has no definition file (${file})`, "Runs of a built-in strategy have no model file; create one with AIBT: Create Model");
  return await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
}
