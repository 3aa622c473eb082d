import * as assert from "node:assert/strict";
import { suite, suiteSetup, test } from "mocha";
import * as vscode from "vscode";
import type { ChatResult } from "../../extension/chat/participant";
import type { RunOutcome } from "../../extension/runs/run-jobs";
import { RunStore } from "../../src/store/runs";
import { startScriptedServer } from "../llm/scripted-server";
import { aibt, workspaceFolder } from "./helpers";

/** What a chat response stream was given, in order. */
class RecordedStream {
  markdown = "";
  progress: string[] = [];
  references: vscode.Uri[] = [];
  buttons: vscode.Command[] = [];
  asStream(): vscode.ChatResponseStream {
    return {
      markdown: (value: string | vscode.MarkdownString) => void (this.markdown += typeof value === "string" ? value : value.value),
      progress: (value: string) => void this.progress.push(value),
      reference: (value: vscode.Uri | vscode.Location) => void this.references.push(value instanceof vscode.Uri ? value : value.uri),
      button: (command: vscode.Command) => void this.buttons.push(command),
    } as unknown as vscode.ChatResponseStream;
  }
}

/** A chat request as VS Code hands it to the participant, with no model picked (the endpoint fallback). */
function request(prompt: string, command?: string): vscode.ChatRequest {
  return { prompt, command, references: [], toolReferences: [], model: undefined } as unknown as vscode.ChatRequest;
}
const noHistory = { history: [] } as unknown as vscode.ChatContext;

suite("@aibt in chat (the participant, with the configured endpoint)", () => {
  let ref = "";
  suiteSetup(async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome>("aibt.runBacktest", { model: "sma-cross", data: "sample" });
    assert.equal(outcome.status, "done");
    if (outcome.status === "done") ref = `${outcome.run!.modelId}/${outcome.run!.id}`;
  });

  test("/performance runs the tool loop on real run data, cites the run, and says which model answered", async () => {
    const api = await aibt();
    const server = await startScriptedServer({
      replies: [
        { kind: "tool_calls", calls: [{ name: "get_performance", arguments: { run: ref } }] },
        { kind: "message", content: `${ref} returned what its metrics say.` },
      ],
      apiKey: "sk-eh-chat-0123456789",
    });
    const config = vscode.workspace.getConfiguration("aibt");
    try {
      await vscode.commands.executeCommand("aibt.setApiKey", "sk-eh-chat-0123456789");
      await config.update("endpoint.baseUrl", server.url, vscode.ConfigurationTarget.Workspace);
      await config.update("ai.model", "scripted/analyst", vscode.ConfigurationTarget.Workspace);
      const stream = new RecordedStream();
      const result: ChatResult = await api.chat(request(`How did ${ref} do?`, "performance"), noHistory, stream.asStream(), new vscode.CancellationTokenSource().token);
      assert.equal(server.requests.length, 2);
      assert.match(server.requests[0]!.body.messages[0].content, /get_performance/, "the /performance command shapes the system prompt");
      // The second request carries the tool's answer: the run's real metrics from its file.
      const toolMessage = server.requests[1]!.body.messages.find((m: { role: string }) => m.role === "tool");
      const metrics = new RunStore(workspaceFolder());
      const reader = await metrics.open(ref);
      const sharpe = reader.card().metrics?.sharpe as number;
      reader.close();
      assert.ok(toolMessage.content.includes(String(sharpe)), `the tool result holds the run's Sharpe ${sharpe}`);
      assert.match(stream.markdown, /returned what its metrics say/);
      assert.match(stream.markdown, /Answered with scripted\/analyst at 127\.0\.0\.1/);
      assert.ok(stream.references.some((uri) => uri.fsPath.endsWith(".sqlite")), "the run file is cited");
      assert.deepEqual(stream.buttons.map((b) => b.command), ["aibt.openReport", "aibt.runBacktest"]);
      assert.deepEqual(result.metadata.runs, [ref]);
    } finally {
      await config.update("endpoint.baseUrl", undefined, vscode.ConfigurationTarget.Workspace);
      await config.update("ai.model", undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand("aibt.clearApiKey");
      await server.close();
    }
  });

  test("without a model in the chat or a key, it says so and offers to set the key", async () => {
    const api = await aibt();
    const before = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const stream = new RecordedStream();
      await api.chat(request("How did my runs do?"), noHistory, stream.asStream(), new vscode.CancellationTokenSource().token);
      assert.match(stream.markdown, /no API key/i);
      assert.deepEqual(stream.buttons.map((b) => b.command), ["aibt.setApiKey"]);
    } finally {
      if (before !== undefined) process.env.OPENAI_API_KEY = before;
    }
  });

  test("an invalid key is a clear message with the way forward, and cancellation stops a slow answer", async () => {
    const api = await aibt();
    const server = await startScriptedServer({ replies: () => ({ kind: "message", content: "late" }), apiKey: "sk-the-right-one-123", latencyMs: 3_000 });
    const config = vscode.workspace.getConfiguration("aibt");
    try {
      await config.update("endpoint.baseUrl", server.url, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand("aibt.setApiKey", "sk-a-wrong-one-456");
      const refused = new RecordedStream();
      await api.chat(request("How did my runs do?"), noHistory, refused.asStream(), new vscode.CancellationTokenSource().token);
      assert.match(refused.markdown, /could not finish the answer/);
      assert.deepEqual(refused.buttons.map((b) => b.command), ["aibt.setApiKey"]);

      await vscode.commands.executeCommand("aibt.setApiKey", "sk-the-right-one-123");
      const source = new vscode.CancellationTokenSource();
      const slow = new RecordedStream();
      const started = Date.now();
      setTimeout(() => source.cancel(), 300);
      await api.chat(request("How did my runs do?"), noHistory, slow.asStream(), source.token);
      assert.ok(Date.now() - started < 2_500, "the answer stopped when cancelled, not when the server answered");
      assert.doesNotMatch(slow.markdown, /late|could not finish/);
    } finally {
      await config.update("endpoint.baseUrl", undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand("aibt.clearApiKey");
      await server.close();
    }
  });

  test("with the model picked in the chat (vscode.lm), the tool loop answers from the run's real numbers", async () => {
    const api = await aibt();
    const [model] = await vscode.lm.selectChatModels({ vendor: "aibt-test" });
    assert.ok(model, "the test extension's scripted model is available to vscode.lm");
    const stream = new RecordedStream();
    const chatRequest = { prompt: `How did ${ref} do?`, command: "performance", references: [], toolReferences: [], model } as unknown as vscode.ChatRequest;
    const result = await api.chat(chatRequest, noHistory, stream.asStream(), new vscode.CancellationTokenSource().token);
    const reader = await new RunStore(workspaceFolder()).open(ref);
    const sharpe = reader.card().metrics?.sharpe as number;
    reader.close();
    assert.match(stream.markdown, new RegExp(`Sharpe ratio is ${String(sharpe).replace(".", "\\.")}`));
    assert.match(stream.markdown, /Answered with Scripted analyst \(aibt-test, picked in the chat\)/);
    assert.deepEqual(result.metadata.runs, [ref]);
    const requests = await vscode.commands.executeCommand<{ tools: string[] }[]>("aibtFakeLm.requests");
    assert.ok(requests.at(-1)!.tools.includes("get_performance"), "the catalog's tools were offered to the model");
    assert.ok(!requests.at(-1)!.tools.includes("run_backtest"), "no write tool is offered in chat");
  });

  test("/backtest asks for confirmation, then starts the run and streams its progress", async () => {
    const api = await aibt();
    const count = async () => (await new RunStore(workspaceFolder()).list("sma-cross")).runs.length;
    const before = await count();
    const ask = new RecordedStream();
    await api.chat(request("sma-cross from=2010-01-04 to=2012-12-31", "backtest"), noHistory, ask.asStream(), new vscode.CancellationTokenSource().token);
    assert.match(ask.markdown, /This starts a daily backtest of `sma-cross`/);
    assert.equal(ask.buttons[0]?.command, "workbench.action.chat.open");
    assert.match(JSON.stringify(ask.buttons[0]?.arguments), /@aibt \/backtest sma-cross from=2010-01-04 to=2012-12-31 confirm/);
    assert.equal(await count(), before, "nothing runs before the confirmation");

    const run = new RecordedStream();
    const result = await api.chat(request("sma-cross from=2010-01-04 to=2012-12-31 confirm", "backtest"), noHistory, run.asStream(), new vscode.CancellationTokenSource().token);
    assert.match(run.markdown, /completed: -?\d+\.\d\d% return, Sharpe -?\d+\.\d\d/);
    assert.match(run.markdown, /2010-01-04 to 2012-12-31/);
    assert.ok(run.progress.length >= 1, "progress was streamed");
    assert.equal(await count(), before + 1);
    assert.equal(run.buttons[0]?.command, "aibt.openReport");
    assert.equal(result.metadata.runs.length, 1);

    const unknown = new RecordedStream();
    await api.chat(request("no-such-model confirm", "backtest"), noHistory, unknown.asStream(), new vscode.CancellationTokenSource().token);
    assert.match(unknown.markdown, /There is no model `no-such-model`/);
  });

  test("the participant is contributed with its slash commands", () => {
    const [participant] = vscode.extensions.getExtension("aibt.aibt")!.packageJSON.contributes.chatParticipants as { id: string; name: string; commands: { name: string }[] }[];
    assert.equal(participant!.id, "aibt.chat");
    assert.equal(participant!.name, "aibt");
    assert.deepEqual(participant!.commands.map((c) => c.name), ["positions", "trades", "decisions", "performance", "compare", "explain", "backtest"]);
  });
});
