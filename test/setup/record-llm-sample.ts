/**
 * Records the cassette the llm-model sample notebook replays: the notebook's model (momentum-llm.json)
 * on the shipped S&P 500 bars, answered by the scripted OpenAI-compatible server with a simple, stated
 * policy (above the 20-day SMA and flat: buy 30; below it and long: sell all; otherwise hold). Re-run it
 * when the agent's prompt or tools change (the notebook test fails then, saying the cassette missed):
 *   node test/bench/run.mjs test/setup/record-llm-sample.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { backtest } from "../../src/run/backtest";
import { ModelStore } from "../../src/store/models";
import { RunStore } from "../../src/store/runs";
import { startScriptedServer } from "../llm/scripted-server";
import type { ScriptedReply } from "../llm/scripted-server";
import { repoRoot } from "../shared-data";

const KEY = "sk-recording-only-00000000000000000";

function policy(body: { messages: { role: string; content: unknown }[] }): ScriptedReply {
  const messages = body.messages;
  const tools = messages.filter((m) => m.role === "tool").map((m) => JSON.parse(String(m.content)) as Record<string, unknown>);
  if (tools.length === 0) {
    return { kind: "tool_calls", calls: [{ name: "get_price", arguments: { symbol: "SPX" } }, { name: "get_indicator", arguments: { symbol: "SPX", indicator: "sma", period: 20 } }] };
  }
  if (messages.at(-1)!.role === "tool" && tools.length === 2) {
    const close = Number(tools[0]!.close);
    const sma = tools[1]!.value === null ? NaN : Number(tools[1]!.value);
    const holding = /Positions: SPX (\d+)/.test(String(messages[0]!.content));
    if (close > sma && !holding) return { kind: "tool_calls", calls: [{ name: "buy", arguments: { symbol: "SPX", quantity: 30, reason: `close ${close.toFixed(2)} above the 20-day SMA ${sma.toFixed(2)}` } }] };
    if (close < sma && holding) return { kind: "tool_calls", calls: [{ name: "sell", arguments: { symbol: "SPX", quantity: "all", reason: `close ${close.toFixed(2)} below the 20-day SMA ${sma.toFixed(2)}` } }] };
    return { kind: "message", content: Number.isNaN(sma) ? "HOLD: not enough history for a 20-day SMA yet." : `HOLD: close ${close.toFixed(2)} vs 20-day SMA ${sma.toFixed(2)}; nothing to change.` };
  }
  // After a trade: say what was done and why (the reason the buy or sell call gave).
  const last = tools.at(-1)!;
  const call = [...messages].reverse().find((m) => m.role === "assistant" && (m as { tool_calls?: unknown[] }).tool_calls?.length) as { tool_calls: { function: { arguments: string } }[] } | undefined;
  const reason = call ? String((JSON.parse(call.tool_calls[0]!.function.arguments) as { reason?: string }).reason ?? "") : "";
  return { kind: "message", content: last.error ? `Could not trade: ${String(last.error)}` : `${String(last.side).toUpperCase()} ${String(last.quantity)} SPX: ${reason}` };
}

async function main(): Promise<void> {
  const notebooks = path.join(repoRoot, "notebooks");
  const definition = JSON.parse(readFileSync(path.join(notebooks, "momentum-llm.json"), "utf8"));
  const server = await startScriptedServer({ apiKey: KEY, replies: (request) => policy(request.body) });
  const workspace = mkdtempSync(path.join(os.tmpdir(), "aibt-record-"));
  try {
    new ModelStore(workspace).create({ ...definition, strategy: { ...definition.strategy, baseUrl: server.url } });
    delete process.env.OPENAI_BASE_URL;
    const result = await backtest({ workspace, model: definition.signature, from: "2020-01-02", to: "2020-04-30", apiKey: KEY });
    const reader = await new RunStore(workspace).open(`${result.run!.modelId}/${result.run!.id}`);
    writeFileSync(path.join(notebooks, "momentum-llm.cassette.jsonl"), reader.cassette().toJsonl());
    reader.close();
    console.log(`recorded ${result.llmCalls} exchanges over ${result.bars} days: ${result.fills} fills, return ${(result.totalReturn * 100).toFixed(2)}%`);
  } finally {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
