// The report panel's extension side against a small stand-in for the vscode module: one panel per
// run, the payload posted when the page says it is ready, the page's buttons turned into commands,
// and a run that cannot be opened shown as an error naming the run and the fix. Runs are real.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FromReportWebview, ToReportWebview } from "../../../extension/report/report-messages";
import { replay } from "../../../src/run/replay";
import { RTH, tempWorkspace } from "../charts/chart-fixtures";

interface FakeUri {
  scheme: string;
  fsPath: string;
  path: string;
  toString(): string;
}

interface FakePanel {
  viewType: string;
  title: string;
  options: { enableScripts?: boolean; localResourceRoots?: FakeUri[]; retainContextWhenHidden?: boolean };
  revealed: number;
  posted: ToReportWebview[];
  webview: {
    html: string;
    cspSource: string;
    asWebviewUri(target: { fsPath: string }): FakeUri;
    postMessage(message: ToReportWebview): Promise<boolean>;
    onDidReceiveMessage(listener: (message: FromReportWebview) => Promise<void> | void): { dispose(): void };
    receive(message: FromReportWebview): Promise<void>;
  };
  dispose(): void;
}

const fake = vi.hoisted(() => {
  const uri = (fsPath: string, scheme = "file") => ({ scheme, fsPath, path: fsPath, toString: () => `${scheme}://${fsPath}` });
  const state = {
    panels: [] as FakePanel[],
    errors: [] as string[],
    infos: [] as string[],
    commands: [] as unknown[][],
    documents: [] as { language: string; content: string }[],
    shown: [] as unknown[],
    written: [] as { path: string; bytes: Uint8Array }[],
    saveTarget: undefined as ReturnType<typeof uri> | undefined,
    reset() {
      for (const panel of this.panels) panel.dispose();
      this.panels = [];
      this.errors = [];
      this.infos = [];
      this.commands = [];
      this.documents = [];
      this.shown = [];
      this.written = [];
    },
  };
  const vscode = {
    ViewColumn: { Active: -1, Beside: -2 },
    UIKind: { Desktop: 1, Web: 2 },
    env: { remoteName: undefined as string | undefined, uiKind: 1 },
    Uri: { file: (p: string) => uri(p), joinPath: (base: { fsPath: string }, ...parts: string[]) => uri([base.fsPath, ...parts].join("/")) },
    commands: {
      executeCommand: async (...args: unknown[]) => {
        state.commands.push(args);
        return undefined;
      },
    },
    workspace: {
      openTextDocument: async (options: { language: string; content: string }) => {
        state.documents.push(options);
        return { uri: uri("untitled:1", "untitled"), ...options };
      },
      fs: {
        writeFile: async (target: { fsPath: string }, bytes: Uint8Array) => {
          state.written.push({ path: target.fsPath, bytes });
        },
      },
    },
    window: {
      showErrorMessage: async (message: string) => {
        state.errors.push(message);
        return undefined;
      },
      showInformationMessage: async (message: string) => {
        state.infos.push(message);
        return undefined;
      },
      showTextDocument: async (document: unknown, options: unknown) => {
        state.shown.push({ document, options });
        return {};
      },
      showSaveDialog: async () => state.saveTarget,
      createWebviewPanel(viewType: string, title: string, _column: number, options: FakePanel["options"]) {
        let listener: ((message: FromReportWebview) => Promise<void> | void) | undefined;
        const disposeListeners: (() => void)[] = [];
        const panel: FakePanel & Record<string, unknown> = {
          viewType,
          title,
          options,
          revealed: 0,
          posted: [],
          reveal() {
            panel.revealed++;
          },
          onDidDispose(callback: () => void) {
            disposeListeners.push(callback);
            return { dispose() {} };
          },
          dispose() {
            for (const callback of disposeListeners.splice(0)) callback();
          },
          webview: {
            html: "",
            cspSource: "https://file+.vscode-resource.vscode-cdn.net",
            asWebviewUri: (target: { fsPath: string }) => uri(`file+.vscode-resource.vscode-cdn.net${target.fsPath}`, "https"),
            postMessage: async (message: ToReportWebview) => {
              panel.posted.push(message);
              return true;
            },
            onDidReceiveMessage(callback: typeof listener) {
              listener = callback;
              return { dispose: () => (listener = undefined) };
            },
            async receive(message: FromReportWebview) {
              await listener?.(message);
            },
          },
        };
        state.panels.push(panel);
        return panel;
      },
    },
  };
  return { state, vscode, uri };
});

vi.mock("vscode", () => fake.vscode);

const { showRunComparison, showRunReport } = await import("../../../extension/report/report-panel");

const extensionPath = "/ext/aibt";
const context = { extensionUri: fake.uri(extensionPath), extensionPath, subscriptions: [] } as never;

describe("the report panel (extension side)", () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = tempWorkspace("aibt-panel-");
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", strategy: "opening-range", workspace });
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => fake.state.reset());

  it("opens one panel per run, with a strict CSP, scripts from the media folder only, and posts the report when the page is ready", async () => {
    const panel = (await showRunReport(context, workspace, "opening-range/run-0001")) as unknown as FakePanel;
    expect(fake.state.panels).toHaveLength(1);
    expect(panel.viewType).toBe("aibt.runReport");
    expect(panel.title).toBe("Report: opening-range run-0001");
    expect(panel.options.enableScripts).toBe(true);
    expect(panel.options.localResourceRoots!.map((u) => u.fsPath)).toEqual([`${extensionPath}/media`]);
    const html = panel.webview.html;
    const nonce = /'nonce-([^']+)'/.exec(html.replace(/&#39;/g, "'"))![1];
    expect(html).toContain(`<script nonce="${nonce}" src="https://file+.vscode-resource.vscode-cdn.net${extensionPath}/media/out/report.js"></script>`);
    expect(html).toContain(`${extensionPath}/media/out/report.css`);
    expect(panel.posted).toEqual([]);

    await panel.webview.receive({ type: "ready" });
    expect(panel.posted).toHaveLength(1);
    const message = panel.posted[0]!;
    expect(message.type).toBe("report");
    if (message.type !== "report") return;
    expect(message.data.card.ref).toBe("opening-range/run-0001");
    expect(message.data.charts.filter((c) => c.spec).length).toBe(5);
    expect(panel.title).toBe("Report: opening-range run-0001");

    // The same run however it is named: the same panel, revealed; a fresh nonce only for a new panel.
    const again = await showRunReport(context, workspace, "opening-range/1");
    expect(again).toBe(panel);
    expect(panel.revealed).toBe(1);
    expect(fake.state.panels).toHaveLength(1);
    const other = (await showRunReport(context, workspace, "opening-range/2")) as unknown as FakePanel;
    expect(fake.state.panels).toHaveLength(2);
    expect(other.webview.html).not.toContain(nonce);

    // A reloaded page (hidden, then shown again) asks again and gets the payload again.
    await panel.webview.receive({ type: "ready" });
    expect(panel.posted).toHaveLength(2);
    expect(fake.state.errors).toEqual([]);

    // Closed: the next request opens a new panel.
    panel.dispose();
    await showRunReport(context, workspace, "opening-range/1");
    expect(fake.state.panels).toHaveLength(3);
  });

  it("turns the page's buttons into commands: compare, snapshot, reveal, save a chart", async () => {
    const panel = (await showRunReport(context, workspace, "opening-range/1")) as unknown as FakePanel;
    await panel.webview.receive({ type: "ready" });
    const report = panel.posted[0]!;
    if (report.type !== "report") throw new Error("no report");

    await panel.webview.receive({ type: "compareWith", ref: "opening-range/run-0001" });
    expect(fake.state.commands).toEqual([["aibt.compareRuns", "opening-range/run-0001"]]);

    await panel.webview.receive({ type: "openSnapshot", ref: "opening-range/run-0001" });
    expect(fake.state.documents).toHaveLength(1);
    expect(fake.state.documents[0]!.language).toBe("json");
    expect(JSON.parse(fake.state.documents[0]!.content)).toEqual(report.data.snapshot);
    expect(fake.state.shown).toHaveLength(1);

    await panel.webview.receive({ type: "revealRunFile", ref: "opening-range/run-0001" });
    expect(fake.state.commands[1]![0]).toBe("revealFileInOS");
    expect((fake.state.commands[1]![1] as FakeUri).fsPath).toBe(path.join(workspace, ".aibt/runs/opening-range/run-0001.sqlite"));
    fake.vscode.env.remoteName = "ssh-remote";
    await panel.webview.receive({ type: "revealRunFile", ref: "opening-range/run-0001" });
    expect(fake.state.commands[2]![0]).toBe("revealInExplorer");
    fake.vscode.env.remoteName = undefined;

    fake.state.saveTarget = fake.uri(path.join(workspace, "equity.png"));
    const png = readFileSync(path.join(__dirname, "../../../media/report-screenshot.png"));
    await panel.webview.receive({ type: "saveImage", format: "png", fileName: "equity.png", data: `data:image/png;base64,${png.toString("base64")}` });
    expect(fake.state.written).toHaveLength(1);
    expect(Buffer.from(fake.state.written[0]!.bytes).equals(png)).toBe(true);
    await panel.webview.receive({ type: "saveImage", format: "svg", fileName: "equity.svg", data: "<svg></svg>" });
    expect(Buffer.from(fake.state.written[1]!.bytes).toString("utf8")).toBe("<svg></svg>");
    // A broken export is an error message, not an exception out of the listener.
    await panel.webview.receive({ type: "saveImage", format: "png", fileName: "x.png", data: "not a data url" });
    expect(fake.state.errors).toEqual(["AIBT: the chart's PNG export is not a PNG data URL"]);
  });

  it("shows a run that is not there as an error in the panel and one notification naming the run and the fix", async () => {
    const panel = (await showRunReport(context, workspace, "opening-range/9")) as unknown as FakePanel;
    expect(panel.title).toBe("Report: opening-range run-0009");
    await panel.webview.receive({ type: "ready" });
    expect(panel.posted).toEqual([{ type: "error", title: "Cannot open the report of opening-range/9", message: "No run opening-range/9.", hint: "Runs of opening-range: run-0001, run-0002." }]);
    expect(fake.state.errors).toEqual(["AIBT: Cannot open the report of opening-range/9: No run opening-range/9. Runs of opening-range: run-0001, run-0002."]);
    await panel.webview.receive({ type: "ready" });
    expect(fake.state.errors).toHaveLength(1);
    // "Try again" loads again (and says so again).
    await panel.webview.receive({ type: "refresh" });
    expect(fake.state.errors).toHaveLength(2);
  });

  it("shows a corrupt run file as an error with the file and what to do", async () => {
    const file = path.join(workspace, ".aibt/runs/broken/run-0001.sqlite");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "this is not a database");
    const panel = (await showRunReport(context, workspace, "broken/1")) as unknown as FakePanel;
    await panel.webview.receive({ type: "ready" });
    expect(panel.posted[0]).toEqual({
      type: "error",
      title: "Cannot open the report of broken/1",
      message: `Not a run file (no SQLite header): it is corrupt or truncated (${file}).`,
      hint: "Delete it or restore it from a backup; it is left untouched.",
    });
    expect(fake.state.errors[0]).toContain("broken/1");
    expect(fake.state.errors[0]).toContain("Delete it or restore it from a backup");
  });

  it("compares two runs in one panel per pair", async () => {
    const panel = (await showRunComparison(context, workspace, "opening-range/1", "opening-range/2")) as unknown as FakePanel;
    expect(panel.viewType).toBe("aibt.runComparison");
    await panel.webview.receive({ type: "ready" });
    const message = panel.posted[0]!;
    expect(message.type).toBe("comparison");
    if (message.type !== "comparison") return;
    expect(message.data.runs.map((r) => r.ref)).toEqual(["opening-range/run-0001", "opening-range/run-0002"]);
    expect(panel.title).toBe("Compare: opening-range/run-0001 vs opening-range/run-0002");
    expect(await showRunComparison(context, workspace, "opening-range/run-0001", "opening-range/run-0002")).toBe(panel);
    await panel.webview.receive({ type: "openRun", ref: "opening-range/run-0002" });
    expect(fake.state.panels.map((p) => p.viewType)).toEqual(["aibt.runComparison", "aibt.runReport"]);
  });
});
