/**
 * AIBT in VS Code: thin adapters over the engine (src/) and the kernel (kernel/). activate() is the
 * table of contents; every registration goes into context.subscriptions, so deactivation undoes it.
 */
import { performance } from "node:perf_hooks";
import * as vscode from "vscode";
import { isInputError } from "../src/errors";
import { answer, type ChatResult, registerChatParticipant } from "./chat/participant";
import { clearApiKey, setApiKey } from "./commands/api-key";
import { createModel } from "./commands/create-model";
import { newTradingNotebook, openSampleNotebook } from "./commands/notebooks";
import { compareRuns, openReport } from "./commands/reports";
import { cancelRun, deleteRun, openModelDefinition, replaySession, revealRunFile, runBacktest, type RunDeps } from "./commands/runs";
import { AibtMcpServers, MCP_PROVIDER_ID } from "./mcp/mcp-servers";
import { NotebookKernels } from "./notebook/controller";
import { AibtNotebookSerializer, NOTEBOOK_TYPE } from "./notebook/serializer";
import { RunJobs, workerFileOf } from "./runs/run-jobs";
import { ApiKeys } from "./secrets";
import { readSettings, UserFacingError } from "./settings";
import { RunsTree } from "./tree/runs-tree";

/** Set by the bundle's first line (esbuild.mjs): when loading this extension's code began. */
declare const __aibtLoadStart: number | undefined;

/** What activate() returns: the parts tests (and other extensions) may look at. */
export interface AibtApi {
  tree: RunsTree;
  jobs: RunJobs;
  kernels: NotebookKernels;
  keys: ApiKeys;
  mcp: AibtMcpServers;
  /** What @aibt does with a chat request (the participant's handler). */
  chat(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<ChatResult>;
  /** Loading the bundle plus activate(), in milliseconds (the activation benchmark reads it). */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): AibtApi {
  const started = typeof __aibtLoadStart === "number" ? __aibtLoadStart : performance.now();
  const keys = new ApiKeys(context.secrets);
  const tree = new RunsTree(readSettings().storeFolder);
  const jobs = new RunJobs(workerFileOf(context.extensionPath), {
    onRecord: (job) => job.ref && tree.setLive(job.ref, { stepsDone: 0, stepsTotal: job.total }),
    onProgress: (job) => job.ref && tree.setLive(job.ref, { stepsDone: job.step, stepsTotal: job.total }),
    onEnd: (job) => job.ref && tree.setLive(job.ref, undefined),
  });
  const kernels = new NotebookKernels(keys);
  const deps: RunDeps = { jobs, keys, tree };
  const mcp = new AibtMcpServers(context.extensionPath, String(context.extension.packageJSON.version));
  const chatDeps = { keys, jobs, storeFolder: () => readSettings().storeFolder };

  context.subscriptions.push(
    keys,
    tree,
    jobs,
    kernels,
    // Notebooks
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new AibtNotebookSerializer(), { transientOutputs: false }),
    command("aibt.newNotebook", () => newTradingNotebook()),
    command("aibt.openSampleNotebook", (name?: string) => openSampleNotebook(context.extensionPath, name)),
    command("aibt.restartKernel", () => {
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      return notebook ? kernels.restart(notebook) : undefined;
    }),
    // Models and runs
    vscode.window.createTreeView("aibt.runs", { treeDataProvider: tree, showCollapseAll: true }),
    command("aibt.refresh", () => tree.refresh()),
    command("aibt.createModel", (args?) => createModel(args)),
    command("aibt.openModelDefinition", (target?) => openModelDefinition(target)),
    command("aibt.runBacktest", (target?) => runBacktest(deps, target)),
    command("aibt.replaySession", (target?) => replaySession(deps, target)),
    command("aibt.cancelRun", (target?) => cancelRun(deps, target)),
    command("aibt.deleteRun", (target?, confirmed?: boolean) => deleteRun(deps, target, confirmed === true)),
    command("aibt.revealRunFile", (target?) => revealRunFile(deps, target)),
    // Reports
    command("aibt.openReport", (target?) => openReport(context, tree, target)),
    command("aibt.compareRuns", (a?, b?) => compareRuns(context, tree, a, b)),
    command("aibt.compareWith", (a?) => compareRuns(context, tree, a)),
    // Secrets
    command("aibt.setApiKey", (value?: string) => setApiKey(keys, value)),
    command("aibt.clearApiKey", () => clearApiKey(keys)),
    // The engine's tools for the editor's AI, and @aibt in the chat
    mcp,
    registerChatParticipant(context, chatDeps),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, mcp),
    // Settings and trust
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("aibt.storeFolder")) tree.setFolder(readSettings().storeFolder);
      if (event.affectsConfiguration("aibt.storeFolder") || event.affectsConfiguration("aibt.mcp.writeTools")) mcp.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      tree.setFolder(readSettings().storeFolder);
      mcp.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      tree.refresh();
      mcp.refresh();
    }),
  );
  const chat: AibtApi["chat"] = (request, chatContext, stream, token) => answer(chatDeps, request, chatContext, stream, token);
  return { tree, jobs, kernels, keys, mcp, chat, activationMs: performance.now() - started };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

/**
 * A command whose expected failures (bad input, no folder) become one clear message with the way
 * forward; anything else is reported as a bug with its message, and rethrown for the log.
 */
function command(id: string, run: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (error) {
      if (error instanceof UserFacingError || isInputError(error)) {
        const message = error instanceof UserFacingError && error.hint ? `${error.message}. ${error.hint}` : error.message;
        void vscode.window.showErrorMessage(`AIBT: ${message}`);
        return undefined;
      }
      void vscode.window.showErrorMessage(`AIBT: ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  });
}
