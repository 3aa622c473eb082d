import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import type { RunJob, RunOutcome } from "../../extension/runs/run-jobs";
import { RunStore } from "../../src/store/runs";
import { startScriptedServer } from "../llm/scripted-server";
import type { TreeNode } from "../../extension/tree/runs-tree";
import { aibt, until, workspaceFolder } from "./helpers";

const run = promisify(execFile);
const repo = () => process.env.AIBT_REPO ?? path.resolve(__dirname, "../..");

async function treeNode(ref: string): Promise<Extract<TreeNode, { kind: "run" }> | undefined> {
  const api = await aibt();
  for (const model of await api.tree.getChildren()) {
    for (const child of await api.tree.getChildren(model)) if (child.kind === "run" && child.ref === ref) return child;
  }
  return undefined;
}

suite("models, runs and the tree", () => {
  test("Create Model with arguments writes a validated model that the tree lists", async () => {
    const api = await aibt();
    const id = await vscode.commands.executeCommand<string>("aibt.createModel", { name: "EH SMA 5/20", strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 5, slow: 20 } } });
    assert.equal(id, "eh-sma-5-20");
    assert.ok(existsSync(path.join(workspaceFolder(), ".aibt", "models", "eh-sma-5-20.json")));
    const models = await until("the model in the tree", async () => {
      api.tree.refresh();
      const roots = await api.tree.getChildren();
      return roots.some((n) => n.kind === "model" && n.id === id) && roots;
    });
    const node = models.find((n) => n.kind === "model" && n.id === id)!;
    const item = api.tree.getTreeItem(node);
    assert.equal(item.label, "EH SMA 5/20");
    assert.match(String(item.description), /sma-cross/);
    assert.equal(item.contextValue, "aibt.model");
  });

  test("a bad model (fast >= slow) is refused and nothing is written", async () => {
    const id = await vscode.commands.executeCommand<string | undefined>("aibt.createModel", { name: "Bad Windows", strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 50, slow: 20 } } });
    assert.equal(id, undefined);
    assert.ok(!existsSync(path.join(workspaceFolder(), ".aibt", "models", "bad-windows.json")));
  });

  test("Run Backtest runs in a worker, records the run, and the tree shows its return and Sharpe", async () => {
    const api = await aibt();
    const outcome = await vscode.commands.executeCommand<RunOutcome>("aibt.runBacktest", { model: "eh-sma-5-20", data: "sample" });
    assert.equal(outcome.status, "done", JSON.stringify(outcome));
    if (outcome.status !== "done") return;
    assert.equal(outcome.summary.status, "completed");
    assert.ok(outcome.run, "the run was recorded");
    const ref = `${outcome.run!.modelId}/${outcome.run!.id}`;
    const node = await until(`${ref} in the tree`, () => treeNode(ref));
    const item = api.tree.getTreeItem(node);
    assert.match(String(item.description), /daily/);
    assert.match(String(item.description), /Sharpe -?\d+\.\d\d/);
    assert.match(String(item.description), /[+-]\d+\.\d%/);
    assert.equal(item.contextValue, "aibt.run.ended");
    assert.equal((item.iconPath as vscode.ThemeIcon).id, "pass");
  });

  test("a run started from the CLI in another process appears in the tree by itself", async () => {
    const api = await aibt();
    const before = (await api.tree.runs()).length;
    await run(process.execPath, [path.join(repo(), "dist", "cli.js"), "backtest", "--workspace", workspaceFolder(), "--strategy", "buy-and-hold"], { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } });
    // No refresh call here: the file watcher must see the new run.
    const runs = await until("the CLI's run in the tree", async () => {
      const listed = await api.tree.runs();
      return listed.length > before && listed.some((r) => r.modelId === "buy-and-hold") && listed;
    }, 30_000);
    assert.ok(runs.some((r) => r.modelId === "buy-and-hold" && r.status === "completed"));
  });

  test("an LLM model runs with the key from secret storage; Cancel Run stops it and it is recorded as cancelled", async () => {
    const api = await aibt();
    // The one stand-in: a scripted OpenAI-compatible server on 127.0.0.1, slow enough to cancel mid-run.
    const server = await startScriptedServer({ replies: () => ({ kind: "message", content: "Hold: no signal." }), latencyMs: 50, apiKey: "sk-eh-cancel-123456" });
    try {
      await vscode.commands.executeCommand("aibt.setApiKey", "sk-eh-cancel-123456");
      await vscode.commands.executeCommand("aibt.createModel", { name: "EH LLM", strategy: { kind: "llm", model: "scripted/holder", baseUrl: server.url } });
      const job = await vscode.commands.executeCommand<RunJob>("aibt.runBacktest", { model: "eh-llm", data: "sample", background: true });
      await until("a few decisions", () => server.requests.length >= 3 && job.ref);
      assert.ok(api.jobs.running.includes(job));
      assert.equal(server.requests[0]!.headers.authorization, "Bearer [redacted]", "the key was sent");
      assert.equal(await vscode.commands.executeCommand("aibt.cancelRun", job.ref), true);
      const outcome = await job.outcome;
      assert.equal(outcome.status, "done", JSON.stringify(outcome));
      if (outcome.status === "done") {
        assert.equal(outcome.summary.status, "cancelled");
        assert.ok(outcome.summary.bars < 5000, `stopped early (${outcome.summary.bars} bars)`);
        assert.equal(readFileSync(new RunStore(workspaceFolder()).resolve(job.ref!).database).includes("sk-eh-cancel-123456"), false, "no key in the run file");
      }
      assert.equal(api.jobs.running.length, 0);
      const node = await until(`${job.ref} as cancelled in the tree`, async () => {
        const found = await treeNode(job.ref!);
        return found?.card.status === "cancelled" && found;
      });
      assert.equal((api.tree.getTreeItem(node).iconPath as vscode.ThemeIcon).id, "circle-slash");
    } finally {
      await vscode.commands.executeCommand("aibt.clearApiKey");
      await server.close();
    }
  });

  test("aibt.endpoint.baseUrl sends LLM runs to the configured endpoint instead of the model's own", async () => {
    const server = await startScriptedServer({ replies: () => ({ kind: "message", content: "Hold." }), latencyMs: 20, apiKey: "sk-eh-endpoint-123456" });
    const config = vscode.workspace.getConfiguration("aibt");
    try {
      await vscode.commands.executeCommand("aibt.setApiKey", "sk-eh-endpoint-123456");
      // The model's own endpoint is a closed port: only the setting can make this run reach a server.
      await vscode.commands.executeCommand("aibt.createModel", { name: "EH Endpoint", strategy: { kind: "llm", model: "scripted/holder", baseUrl: "http://127.0.0.1:9/v1" } });
      await config.update("endpoint.baseUrl", server.url, vscode.ConfigurationTarget.Workspace);
      const job = await vscode.commands.executeCommand<RunJob>("aibt.runBacktest", { model: "eh-endpoint", data: "sample", background: true });
      await until("requests at the configured endpoint", () => server.requests.length >= 2);
      job.cancel();
      const outcome = await job.outcome;
      assert.equal(outcome.status, "done", JSON.stringify(outcome));
      assert.equal(process.env.OPENAI_BASE_URL, undefined, "the extension host's own environment is left alone");
    } finally {
      await config.update("endpoint.baseUrl", undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand("aibt.clearApiKey");
      await server.close();
    }
  });

  test("a backtest on a missing data file fails with a message naming the file", async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome>("aibt.runBacktest", { model: "sma-cross", data: "no-such-bars.csv" });
    assert.equal(outcome.status, "error");
    if (outcome.status === "error") assert.match(outcome.message, /no-such-bars\.csv/);
  });

  test("Replay Intraday Session replays one day of minute bars; the tree shows it as a replay of that session", async () => {
    const api = await aibt();
    // A generated (synthetic, labelled so) session of minute bars, written by the CLI into the folder.
    await run(process.execPath, [path.join(repo(), "dist", "cli.js"), "generate", "--symbols", "SYNA", "--bars", "390", "--interval", "1", "--start", "2024-03-05", "--out", path.join(workspaceFolder(), "minutes.csv")], { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } });
    const outcome = await vscode.commands.executeCommand<RunOutcome>("aibt.replaySession", { model: "opening-range", data: "minutes.csv", date: "2024-03-05" });
    assert.equal(outcome.status, "done", JSON.stringify(outcome));
    if (outcome.status !== "done") return;
    assert.equal(outcome.run?.mode, "intraday");
    assert.equal(outcome.summary.bars, 390);
    const node = await until("the replay in the tree", () => treeNode(`${outcome.run!.modelId}/${outcome.run!.id}`));
    assert.match(String(api.tree.getTreeItem(node).description), /^replay · SYNA session 2024-03-05/);
  });

  test("a replay of a day the data does not have says which days it has", async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome>("aibt.replaySession", { model: "opening-range", data: "minutes.csv", date: "2024-03-09" });
    assert.equal(outcome.status, "error");
    if (outcome.status === "error") assert.match(outcome.message, /2024-03-09/);
  });

  test("Open Run Report and Compare Runs open webview panels for the runs", async () => {
    const api = await aibt();
    const done = (await api.tree.runs()).filter((c) => c.status === "completed");
    assert.ok(done.length >= 2, "two finished runs to compare");
    const [a, b] = done.map((c) => `${c.modelId}/${c.id}`);
    const report = await vscode.commands.executeCommand<vscode.WebviewPanel>("aibt.openReport", a);
    assert.match(report.title, /^Report: /);
    assert.equal(report.viewType, "aibt.runReport");
    assert.match(report.webview.html, /Content-Security-Policy/);
    const again = await vscode.commands.executeCommand<vscode.WebviewPanel>("aibt.openReport", a);
    assert.equal(again, report, "one panel per run: asking again reveals it");
    const comparison = await vscode.commands.executeCommand<vscode.WebviewPanel>("aibt.compareRuns", a, b);
    assert.equal(comparison.viewType, "aibt.runComparison");
    report.dispose();
    comparison.dispose();
  });

  test("Reveal Run File, Open Model Definition and Delete Run act on tree items", async () => {
    const api = await aibt();
    const cards = await api.tree.runs();
    const card = cards.find((c) => c.modelId === "eh-sma-5-20" && c.status !== "running")!;
    const ref = `${card.modelId}/${card.id}`;
    const node = (await treeNode(ref))!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>("aibt.revealRunFile", node);
    assert.ok(uri.fsPath.endsWith(`${card.id}.sqlite`));
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>("aibt.openModelDefinition", "eh-sma-5-20");
    assert.equal(JSON.parse(editor.document.getText()).id, "eh-sma-5-20");
    assert.equal(await vscode.commands.executeCommand("aibt.deleteRun", node, true), true);
    assert.ok(!existsSync(uri.fsPath));
    await until(`${ref} gone from the tree`, async () => (await treeNode(ref)) === undefined);
  });
});

suite("settings and secrets", () => {
  test("Set API Key keeps the key in secret storage only; Clear removes it", async () => {
    const api = await aibt();
    const secret = "sk-test-EH-0123456789";
    assert.equal(await vscode.commands.executeCommand("aibt.setApiKey", secret), true);
    assert.deepEqual(await api.keys.get(), { key: secret, source: "secret storage" });
    // Not in the settings, not in any file of the workspace.
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration("aibt")).includes(secret), false);
    const settingsFile = path.join(workspaceFolder(), ".vscode", "settings.json");
    if (existsSync(settingsFile)) assert.equal(readFileSync(settingsFile, "utf8").includes(secret), false);
    await vscode.commands.executeCommand("aibt.clearApiKey");
    const after = await api.keys.get();
    assert.ok(after === undefined || after.source === "OPENAI_API_KEY");
  });

  test("an empty or spaced key is refused", async () => {
    const api = await aibt();
    await assert.rejects(api.keys.set("   "), /empty/);
    await assert.rejects(api.keys.set("sk-abc def-123456"), /spaces/);
  });

  test("aibt.storeFolder moves the store the tree reads", async () => {
    const api = await aibt();
    const config = vscode.workspace.getConfiguration("aibt");
    await config.update("storeFolder", "elsewhere", vscode.ConfigurationTarget.Workspace);
    try {
      await until("the tree to follow the setting", () => api.tree.storeFolder === path.join(workspaceFolder(), "elsewhere"));
      assert.deepEqual(await api.tree.getChildren(), []);
    } finally {
      await config.update("storeFolder", undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until("the tree back at the workspace", () => api.tree.storeFolder === workspaceFolder());
  });

  test("model files are validated by the exported JSON Schema", async () => {
    const contributes = vscode.extensions.getExtension("aibt.aibt")!.packageJSON.contributes;
    const [validation] = contributes.jsonValidation as { fileMatch: string; url: string }[];
    assert.equal(validation!.fileMatch, ".aibt/models/*.json");
    const schema = JSON.parse(readFileSync(path.join(vscode.extensions.getExtension("aibt.aibt")!.extensionPath, validation!.url), "utf8"));
    assert.equal(schema.title, "AIBT model definition");
  });
});
