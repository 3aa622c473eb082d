/**
 * The agent's overhead, against the scripted server at zero latency: a 100-day daily run recorded
 * live (engine time per decision beyond the HTTP round trips), then re-run from its cassette.
 * A benchmark: it prints figures and never fails on a time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { syntheticSeries } from "../../src/data/synthetic";
import { llmStrategy } from "../../src/agent/llm-strategy";
import { marketOf } from "../../src/market/market";
import { backtest } from "../../src/run/backtest";
import { runLoop } from "../../src/run/loop";
import { ModelStore } from "../../src/store/models";
import { RunStore } from "../../src/store/runs";
import { startScriptedServer } from "../llm/scripted-server";

const KEY = "sk-bench-key-000000000000000000000000";

async function main(): Promise<void> {
  const server = await startScriptedServer({
    apiKey: KEY,
    replies: (request) =>
      request.body.messages.at(-1).role === "tool"
        ? { kind: "message", content: "HOLD: nothing to do." }
        : { kind: "tool_calls", calls: [{ name: "get_indicator", arguments: { symbol: "SYNA", indicator: "rsi", period: 14 } }] },
  });
  const workspace = mkdtempSync(path.join(os.tmpdir(), "aibt-agent-bench-"));
  try {
    new ModelStore(workspace).create({ name: "Bench", strategy: { kind: "llm", model: "scripted/bench", baseUrl: server.url, maxSteps: 4 } });
    const [series] = syntheticSeries({ symbols: ["SYNA"], start: "2024-01-02", bars: 100, interval: "daily", seed: 3 });
    const env = { ...process.env };
    delete process.env.OPENAI_BASE_URL;
    // Warm up once (JIT, sql.js), then measure.
    await backtest({ data: [series!], workspace, model: "bench", apiKey: KEY });
    let started = performance.now();
    const live = await backtest({ data: [series!], workspace, model: "bench", apiKey: KEY });
    const liveMs = performance.now() - started;
    const reader = await new RunStore(workspace).open(`bench/${live.run!.id}`);
    const exchanges = reader.cassette().all();
    reader.close();
    const httpMs = exchanges.reduce((sum, e) => sum + e.latencyMs, 0);
    const decisions = live.bars;
    // The agent alone (run loop, prompt, tools, cassette keys), without the workspace store.
    const strategy = llmStrategy({ model: "scripted/bench", baseURL: server.url, apiKey: KEY, env: {}, maxSteps: 4 });
    started = performance.now();
    await runLoop({ market: marketOf([series!]), strategy, initialCash: 100_000 });
    const agentMs = performance.now() - started;
    const agentHttpMs = strategy.cassette.all().reduce((sum, e) => sum + e.latencyMs, 0);
    started = performance.now();
    const replay = await backtest({ data: [series!], workspace, model: "bench", cassette: `bench/${live.run!.id}` });
    const replayMs = performance.now() - started;
    // One 390-minute session, a decision every minute (the agent alone, no store).
    const [minutes] = syntheticSeries({ symbols: ["SYNA"], start: "2024-03-04", bars: 390, interval: 1, seed: 5 });
    const intraday = llmStrategy({ model: "scripted/bench", baseURL: server.url, apiKey: KEY, env: {}, maxSteps: 4 });
    started = performance.now();
    await runLoop({ market: marketOf([minutes!]), strategy: intraday, initialCash: 100_000 });
    const intradayMs = performance.now() - started;
    const intradayHttpMs = intraday.cassette.all().reduce((sum, e) => sum + e.latencyMs, 0);
    Object.assign(process.env, env);
    const report = {
      decisions,
      exchanges: exchanges.length,
      liveRunMs: Math.round(liveMs),
      httpRoundTripsMs: Math.round(httpMs),
      overheadPerDecisionMs: +((agentMs - agentHttpMs) / decisions).toFixed(3),
      overheadPerDecisionWithRecordingMs: +((liveMs - httpMs) / decisions).toFixed(3),
      replayRunMs: Math.round(replayMs),
      replayRequests: replay.llmCalls,
      identical: JSON.stringify(replay.fillLog) === JSON.stringify(live.fillLog),
      intradayDecisions: 390,
      intradayOverheadPerDecisionMs: +((intradayMs - intradayHttpMs) / 390).toFixed(3),
    };
    if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`Agent on a ${decisions}-day daily run, scripted server at zero latency (${report.exchanges} exchanges):`);
      console.log(`  engine overhead per decision beyond HTTP  ${report.overheadPerDecisionMs} ms (target < 1)`);
      console.log(`    the same, recording every exchange      ${report.overheadPerDecisionWithRecordingMs} ms (run file, journal, fsyncs)`);
      console.log(`  re-run from the cassette                  ${report.replayRunMs} ms, ${report.replayRequests} requests (target < 1000)`);
      console.log(`  390-minute replay, a decision every bar   ${report.intradayOverheadPerDecisionMs} ms overhead per decision (target < 1)`);
    }
  } finally {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
