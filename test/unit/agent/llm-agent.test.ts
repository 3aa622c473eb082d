// The LLM trading agent against the scripted OpenAI-compatible server, over real HTTP on loopback.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Cassette } from "../../../src/agent/cassette";
import { llmStrategy } from "../../../src/agent/llm-strategy";
import type { LlmStrategyOptions } from "../../../src/agent/llm-strategy";
import { marketOf } from "../../../src/market/market";
import { backtest } from "../../../src/run/backtest";
import { runLoop } from "../../../src/run/loop";
import { ModelStore } from "../../../src/store/models";
import { RunStore } from "../../../src/store/runs";
import { startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedReply, ScriptedServer } from "../../llm/scripted-server";
import { flatBars } from "../fixtures";
import { workspace } from "../store/store-fixtures";

const KEY = "sk-test-not-a-real-key-000000000000";
const servers: ScriptedServer[] = [];
async function server(replies: ScriptedReply[] | ((r: { index: number; body: any }) => ScriptedReply), apiKey = KEY) {
  const s = await startScriptedServer({ replies, apiKey });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
beforeAll(() => {
  // The endpoint comes from the model definition in these tests; the environment must not override it.
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});

const say = (content: string): ScriptedReply => ({ kind: "message", content });
const call = (name: string, args: Record<string, unknown> | string): ScriptedReply => ({ kind: "tool_calls", calls: [{ name, arguments: args }] });
const prices = flatBars("AAPL", [100, 101, 102, 103, 104, 105]);

function traderWorkspace(url: string, extra: Record<string, unknown> = {}) {
  const ws = workspace();
  new ModelStore(ws).create({
    name: "Trader",
    allowedTickers: ["AAPL"],
    initialCash: 10_000,
    strategy: { kind: "llm", model: "scripted/trader", baseUrl: url, rules: ["Never hold more than 50 shares."], instructions: "Buy on day one, sell on day four.", maxSteps: 4, ...extra },
  });
  return ws;
}

/** Runs the agent directly in the run loop (no store), with short retries. */
function agentRun(url: string, options: Partial<LlmStrategyOptions> = {}, signal?: AbortSignal) {
  const strategy = llmStrategy({ model: "scripted/trader", baseURL: url, apiKey: KEY, env: {}, maxSteps: 3, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2_000, ...options });
  return { strategy, run: runLoop({ market: marketOf([prices]), strategy, initialCash: 10_000 }, signal) };
}

describe("the LLM agent", () => {
  it("turns scripted tool calls into trades, and records every message, tool call and exchange", async () => {
    const llm = await server([
      call("get_price", { symbol: "AAPL" }), call("buy", { symbol: "AAPL", quantity: 10, reason: "day one" }), say("Bought 10 AAPL."),
      say("HOLD: nothing new."),
      say("HOLD."),
      call("sell", { symbol: "AAPL", quantity: "all" }), say("Sold everything."),
      say("HOLD."),
      say("HOLD."),
    ]);
    const ws = traderWorkspace(llm.url);
    const result = await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY });
    expect(result.fillLog.map((f) => [f.step, f.side, f.quantity, f.price])).toEqual([[1, "buy", 10, 101], [4, "sell", 10, 104]]);
    expect(result.finalEquity).toBe(10_000 + 10 * (104 - 101));
    expect(result.llmCalls).toBe(llm.requests.length);
    expect(llm.requests).toHaveLength(9);
    // The prompt carries the moment, the portfolio, the tickers, the rules and the instructions.
    const system = llm.requests[0]!.body.messages[0].content as string;
    expect(system).toMatch(/Now: 2020-01-01T09:30:00-05:00/);
    expect(system).toMatch(/Cash: 10000\.00/);
    expect(system).toMatch(/You may trade only: AAPL/);
    expect(system).toMatch(/1\. Never hold more than 50 shares\./);
    expect(system).toMatch(/Buy on day one, sell on day four\./);
    expect(llm.requests[0]!.body.tools.map((t: any) => t.function.name)).toEqual(["get_price", "get_history", "get_indicator", "calculate", "get_portfolio", "buy", "sell"]);
    // The key is sent to the endpoint and never written anywhere.
    expect(llm.requests[0]!.headers.authorization).toBe("Bearer [redacted]");
    const reader = await new RunStore(ws).open("trader/1");
    const decisions = reader.decisions();
    expect(decisions).toHaveLength(6);
    expect(decisions[0]!.decision).toMatchObject({ final: "Bought 10 AAPL.", rounds: 2, trades: [{ status: "accepted", symbol: "AAPL", side: "buy", quantity: 10 }] });
    const transcript = decisions[0]!.reasoning as { role: string; content: unknown }[];
    expect(transcript.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "assistant", "tool", "assistant"]);
    expect(reader.cassette().size).toBe(9);
    expect(JSON.stringify(reader.cassette().all())).not.toContain(KEY);
    reader.close();
  });

  it("stops the run at once on an authentication error: no retries, no silent HOLD", async () => {
    const llm = await server([], "a-different-key");
    const { run } = agentRun(llm.url);
    await expect(run).rejects.toThrow(/refused the API key \(401\).*OPENAI_API_KEY.*stopped at once/);
    expect(llm.requests).toHaveLength(1);
  });

  it("retries rate limits and server errors with backoff, then goes on", async () => {
    const llm = await server([{ kind: "error", status: 429 }, { kind: "error", status: 500 }, say("HOLD."), say("HOLD."), say("HOLD."), say("HOLD."), say("HOLD."), say("HOLD.")]);
    const { strategy, run } = agentRun(llm.url);
    const outcome = await run;
    expect(outcome.status).toBe("completed");
    expect(strategy.usage.calls).toBe(6);
    expect(llm.requests).toHaveLength(8);
  });

  it("fails the run after the last retry, saying how often it tried", async () => {
    for (const reply of [{ kind: "error", status: 503 }, { kind: "timeout" }, { kind: "malformed-json" }, { kind: "hang-up" }] as ScriptedReply[]) {
      const llm = await server(() => reply);
      const { run } = agentRun(llm.url, { timeoutMs: 150 });
      await expect(run).rejects.toThrow(/gave up after 3 attempts/);
      expect(llm.requests).toHaveLength(3);
    }
  });

  it("rejects impossible orders, records why, and tells the model", async () => {
    const llm = await server([
      { kind: "tool_calls", calls: [
        { name: "buy", arguments: '{"symbol": "AAPL", "quantity": ' },
        { name: "buy", arguments: { symbol: "AAPL", quantity: -5 } },
        { name: "buy", arguments: { symbol: "AAPL", quantity: 0 } },
        { name: "buy", arguments: { symbol: "AAPL", quantity: 1_000_000 } },
        { name: "buy", arguments: { symbol: "TSLA", quantity: 1 } },
        { name: "buy", arguments: { symbol: "AAPL", quantity: 2.5 } },
        { name: "sell", arguments: { symbol: "AAPL", quantity: 3 } },
        { name: "teleport", arguments: {} },
      ] },
      say("HOLD: every order was refused."),
      ...Array.from({ length: 5 }, () => say("HOLD.")),
    ]);
    const ws = traderWorkspace(llm.url);
    const result = await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY });
    expect(result.fills).toBe(0);
    const told = llm.requests[1]!.body.messages.filter((m: any) => m.role === "tool").map((m: any) => JSON.parse(m.content).error);
    expect(told).toHaveLength(8);
    expect(told[0]).toMatch(/JSON|argument/i);
    expect(told[1]).toMatch(/quantity/);
    expect(told[2]).toMatch(/quantity/);
    expect(told[3]).toMatch(/cash/i);
    expect(told[4]).toMatch(/TSLA/);
    expect(told[5]).toMatch(/whole/);
    expect(told[6]).toMatch(/held|position/i);
    expect(told[7]).toMatch(/unknown tool "teleport"/);
    const reader = await new RunStore(ws).open("trader/1");
    const rules = reader.blocked().map((b) => b.rule);
    expect(rules).toHaveLength(7);
    expect(rules).toEqual(["invalid-order", "invalid-order", "invalid-order", "insufficient-cash", "unknown-symbol", "quantity", "no-position"]);
    expect(reader.decisions()[0]!.decision).toMatchObject({ final: "HOLD: every order was refused.", refused: expect.any(Array) });
    reader.close();
  });

  it("cannot see past the clock through its tools", async () => {
    const llm = await server((request) => (request.body.messages.some((m: any) => m.role === "tool") ? say("HOLD.") : call("get_history", { symbol: "AAPL", bars: 500 })));
    const { run } = agentRun(llm.url);
    await run;
    const histories = llm.requests.filter((r) => r.body.messages.at(-1).role === "tool").map((r) => JSON.parse(r.body.messages.at(-1).content).bars);
    expect(histories).toHaveLength(6);
    histories.forEach((bars: any[], step: number) => {
      expect(bars).toHaveLength(step + 1);
      expect(bars.at(-1).close).toBe(100 + step);
    });
  });

  it("replays a run from its cassette: identical decisions, zero requests, zero cost", async () => {
    const script = [call("buy", { symbol: "AAPL", quantity: 7 }), say("Bought."), say("HOLD."), call("sell", { symbol: "AAPL", quantity: "all" }), say("Sold."), say("HOLD."), say("HOLD."), say("HOLD.")];
    const llm = await server(script);
    const ws = traderWorkspace(llm.url);
    const first = await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY, llmPrices: { inputPerMillion: 2, outputPerMillion: 8 } });
    await llm.close();
    const requestsBefore = llm.requests.length;
    const replay = await backtest({ data: [prices], workspace: ws, model: "trader", cassette: "trader/run-0001", llmPrices: { inputPerMillion: 2, outputPerMillion: 8 } });
    expect(llm.requests.length).toBe(requestsBefore);
    expect(replay.llmCalls).toBe(0);
    expect(replay.llmReplayed).toBe(first.llmCalls);
    expect(replay.llmCost).toBe(0);
    expect(replay.fillLog).toEqual(first.fillLog);
    expect([...replay.equityCurve]).toEqual([...first.equityCurve]);
    const store = new RunStore(ws);
    const [a, b] = await Promise.all([store.open("trader/1"), store.open("trader/2")]);
    expect(b.decisions()).toEqual(a.decisions());
    // The replayed run keeps the exchanges too: it can itself be replayed.
    expect(b.cassette().size).toBe(a.cassette().size);
    a.close();
    b.close();
  });

  it("fails a strict replay when the prompt changed, and calls the model for the new requests in replay-or-live", async () => {
    const llm = await server(() => say("HOLD."));
    const ws = traderWorkspace(llm.url);
    await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY });
    new ModelStore(ws).update("trader", { strategy: { kind: "llm", model: "scripted/trader", baseUrl: llm.url, instructions: "Now be bold.", maxSteps: 4 } }, 1);
    await expect(backtest({ data: [prices], workspace: ws, model: "trader", cassette: "trader/1" })).rejects.toThrow(/cassette has no answer for the request at step 0/);
    const before = llm.requests.length;
    const mixed = await backtest({ data: [prices], workspace: ws, model: "trader", cassette: "trader/1", cassetteMode: "replay-or-live", apiKey: KEY });
    expect(mixed.llmCalls).toBe(6);
    expect(llm.requests.length).toBe(before + 6);
  });

  it("adds up tokens and cost", async () => {
    const llm = await server(() => say("HOLD, with a reasonably long explanation of why nothing should be done today."));
    const ws = traderWorkspace(llm.url);
    const result = await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY, llmPrices: { inputPerMillion: 3, outputPerMillion: 15 } });
    const reader = await new RunStore(ws).open("trader/1");
    const exchanges = reader.cassette().all();
    reader.close();
    const tokensIn = exchanges.reduce((n, e) => n + e.promptTokens, 0);
    const tokensOut = exchanges.reduce((n, e) => n + e.completionTokens, 0);
    expect(result.tokensIn).toBe(tokensIn);
    expect(result.tokensOut).toBe(tokensOut);
    expect(tokensIn).toBeGreaterThan(0);
    expect(result.llmCost).toBeCloseTo((tokensIn * 3 + tokensOut * 15) / 1e6, 12);
  });

  it("stops between decisions when cancelled, and says so", async () => {
    const controller = new AbortController();
    const llm = await server((request) => {
      if (request.index === 2) controller.abort();
      return say("HOLD.");
    });
    const { run } = agentRun(llm.url, {}, controller.signal);
    const outcome = await run;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.steps).toBeLessThan(6);
  });

  it("works the same over a streaming connection", async () => {
    const llm = await server([call("buy", { symbol: "AAPL", quantity: 3 }), say("Bought."), ...Array.from({ length: 5 }, () => say("HOLD."))]);
    const { run } = agentRun(llm.url, { stream: true });
    const outcome = await run;
    expect(outcome.log.fills.map((f) => f.quantity)).toEqual([3]);
    expect(llm.requests[0]!.body.stream).toBe(true);
  });

  it("never writes the API key into the workspace", async () => {
    const llm = await server(() => say("HOLD."));
    const ws = traderWorkspace(llm.url);
    await backtest({ data: [prices], workspace: ws, model: "trader", apiKey: KEY });
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
    for (const file of files(path.join(ws, ".aibt"))) expect(readFileSync(file).includes(KEY)).toBe(false);
    expect(existsSync(path.join(ws, ".aibt/runs/trader/run-0001.sqlite"))).toBe(true);
  });
});
