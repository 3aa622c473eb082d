/**
 * A run's report, and two runs compared, as webview panels: one panel per run (or pair), revealed when
 * asked for again. The page (media/out/report.js) says when it is ready and gets the payload the engine
 * builds (src/report/report-data.ts); its buttons come back as messages handled here. A run that
 * cannot be opened shows why in the panel and in an error notification that says how to fix it.
 */
import path from "node:path";
import * as vscode from "vscode";
import { isInputError } from "../../src/errors";
import { comparisonData, runReportData } from "../../src/report/index";
import { RunStore } from "../../src/store/runs";
import { newNonce, reportHtml } from "./report-html";
import type { FromReportWebview, ToReportWebview } from "./report-messages";

const REPORT_VIEW = "aibt.runReport";
const COMPARISON_VIEW = "aibt.runComparison";

/** Decisions in a webview can be read in full, unlike the static report's excerpts. */
const WEBVIEW_TEXT = { maxMessage: 4_000, maxToolText: 1_000 };

/** Open panels by what they show. */
const panels = new Map<string, vscode.WebviewPanel>();

interface PanelContent {
  key: string;
  viewType: string;
  title: string;
  load(): Promise<ToReportWebview>;
  /** Handles the page's buttons (everything but ready and refresh), given the payload it shows. */
  handle(message: FromReportWebview, shown: ToReportWebview | undefined): Promise<unknown>;
}

/** Opens the report of a run (`<model>/run-0003`, `<model>/3` or a .sqlite path) in `workspace`, or reveals it. */
export async function showRunReport(context: vscode.ExtensionContext, workspace: string, ref: string): Promise<vscode.WebviewPanel> {
  const store = new RunStore(workspace);
  return openPanel(context, {
    key: `report:${runKey(store, ref)}`,
    viewType: REPORT_VIEW,
    title: `Report: ${refLabel(ref)}`,
    load: async () => {
      try {
        const reader = await store.open(ref);
        try {
          return { type: "report", data: await runReportData(reader, { workspace, cwd: workspace, ...WEBVIEW_TEXT }) };
        } finally {
          reader.close();
        }
      } catch (error) {
        return failure(`Cannot open the report of ${ref}`, error, ref);
      }
    },
    handle: (message, shown) => handleMessage(context, workspace, message, shown),
  });
}

/** Opens two runs side by side: metrics with the difference, settings that differ, equity on one chart. */
export async function showRunComparison(context: vscode.ExtensionContext, workspace: string, refA: string, refB: string): Promise<vscode.WebviewPanel> {
  const store = new RunStore(workspace);
  return openPanel(context, {
    key: `compare:${runKey(store, refA)}|${runKey(store, refB)}`,
    viewType: COMPARISON_VIEW,
    title: `Compare: ${refLabel(refA)} vs ${refLabel(refB)}`,
    load: async () => {
      try {
        return { type: "comparison", data: await comparisonData(store, [refA, refB]) };
      } catch (error) {
        return failure(`Cannot compare ${refA} with ${refB}`, error, `${refA} ${refB}`);
      }
    },
    handle: (message, shown) => handleMessage(context, workspace, message, shown),
  });
}

function openPanel(context: vscode.ExtensionContext, content: PanelContent): vscode.WebviewPanel {
  const existing = panels.get(content.key);
  if (existing) {
    existing.reveal();
    return existing;
  }
  const media = vscode.Uri.joinPath(context.extensionUri, "media");
  const panel = vscode.window.createWebviewPanel(content.viewType, content.title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [media],
    retainContextWhenHidden: false,
  });
  panels.set(content.key, panel);
  const disposables: vscode.Disposable[] = [];
  let payload = content.load();
  let notified: Promise<ToReportWebview> | undefined;
  let shown: ToReportWebview | undefined;

  const send = async () => {
    const message = await payload;
    shown = message;
    panel.title = titleOf(message, content.title);
    // The notification once per load, not every time the page asks again (a hidden panel reloads).
    if (message.type === "error" && notified !== payload) {
      notified = payload;
      void vscode.window.showErrorMessage(`AIBT: ${message.title}: ${message.message}${message.hint ? ` ${message.hint}` : ""}`);
    }
    await panel.webview.postMessage(message);
  };

  const out = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(media, "out", file)).toString();
  panel.webview.html = reportHtml({
    cspSource: panel.webview.cspSource,
    nonce: newNonce(),
    scriptUri: out("report.js"),
    styleUri: out("report.css"),
    codiconUri: out("codicon.css"),
    title: content.title,
  });
  panel.webview.onDidReceiveMessage(
    async (message: FromReportWebview) => {
      try {
        if (message.type === "ready") {
          // A running run's report is rebuilt whenever the page comes back, to show its latest steps.
          if (shown?.type === "report" && shown.data.card.status === "running") payload = content.load();
          await send();
        } else if (message.type === "refresh") {
          payload = content.load();
          await send();
        } else {
          await content.handle(message, shown);
        }
      } catch (error) {
        void vscode.window.showErrorMessage(`AIBT: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    undefined,
    disposables,
  );
  panel.onDidDispose(
    () => {
      panels.delete(content.key);
      for (const disposable of disposables) disposable.dispose();
    },
    undefined,
    disposables,
  );
  return panel;
}

async function handleMessage(context: vscode.ExtensionContext, workspace: string, message: FromReportWebview, shown: ToReportWebview | undefined): Promise<unknown> {
  const report = shown?.type === "report" ? shown.data : undefined;
  switch (message.type) {
    case "openSnapshot": {
      if (!report) return undefined;
      const document = await vscode.workspace.openTextDocument({ language: "json", content: `${JSON.stringify(report.snapshot, null, 2)}\n` });
      return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    case "revealRunFile": {
      const file = report?.file ?? (message.ref ? new RunStore(workspace).resolve(message.ref).database : undefined);
      if (!file) return undefined;
      // On the desktop the OS file manager; remotely (code-server, SSH) the Explorer.
      const remote = vscode.env.remoteName !== undefined || vscode.env.uiKind === vscode.UIKind.Web;
      return vscode.commands.executeCommand(remote ? "revealInExplorer" : "revealFileInOS", vscode.Uri.file(file));
    }
    case "compareWith":
      return vscode.commands.executeCommand("aibt.compareRuns", message.ref);
    case "openRun":
      return showRunReport(context, workspace, message.ref);
    case "saveImage":
      return saveImage(workspace, message);
    default:
      return undefined;
  }
}

async function saveImage(workspace: string, image: Extract<FromReportWebview, { type: "saveImage" }>): Promise<vscode.Uri | undefined> {
  const name = path.basename(image.fileName).replace(/[^\w.-]+/g, "-") || `chart.${image.format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(workspace, name)),
    filters: image.format === "svg" ? { "SVG image": ["svg"] } : { "PNG image": ["png"] },
    title: `Save the chart as ${image.format.toUpperCase()}`,
  });
  if (!target) return undefined;
  let bytes: Uint8Array;
  if (image.format === "svg") {
    bytes = Buffer.from(image.data, "utf8");
  } else {
    const prefix = "data:image/png;base64,";
    if (!image.data.startsWith(prefix)) throw new Error("the chart's PNG export is not a PNG data URL");
    bytes = Buffer.from(image.data.slice(prefix.length), "base64");
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`AIBT: saved the chart to ${target.fsPath}`);
  return target;
}

/** The panel's error payload: the problem and the fix from an InputError, or the message and where to look. */
function failure(title: string, error: unknown, refs: string): ToReportWebview {
  if (isInputError(error)) {
    const where = error.where.file ? ` (${error.where.file})` : "";
    return { type: "error", title, message: `${capitalize(error.problem)}${where}.`, hint: `${error.fix}.` };
  }
  return {
    type: "error",
    title,
    message: error instanceof Error ? error.message : String(error),
    hint: `Check that the run file is there and readable; \`aibt runs show ${refs}\` in a terminal says more.`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function titleOf(message: ToReportWebview, fallback: string): string {
  if (message.type === "report") return `Report: ${message.data.card.modelId} ${message.data.card.runId}`;
  if (message.type === "comparison") return `Compare: ${message.data.runs.map((run) => run.ref).join(" vs ")}`;
  return fallback;
}

/** What identifies a run's panel: its file, or the reference as given when it does not resolve. */
function runKey(store: RunStore, ref: string): string {
  try {
    return path.resolve(store.resolve(ref).database);
  } catch {
    return `${store.workspace}\u0000${ref}`;
  }
}

/** "sma-cross/3" -> "sma-cross run-0003"; a file path -> its name. */
function refLabel(ref: string): string {
  const match = /^([^/\\]+)[/\\](?:run-)?(\d+)$/.exec(ref);
  if (match) return `${match[1]} run-${match[2]!.padStart(4, "0")}`;
  return path.basename(ref, ".sqlite");
}
