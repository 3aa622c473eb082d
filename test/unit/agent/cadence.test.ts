// An LLM on a 390-minute replay is not called 390 times when its cadence says it need not be.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { replay } from "../../../src/run/replay";
import { ModelStore } from "../../../src/store/models";
import { startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedServer } from "../../llm/scripted-server";
import { sharedData } from "../../shared-data";
import { workspace } from "../store/store-fixtures";

const KEY = "sk-cadence-test-0000000000000000000";
let llm: ScriptedServer | undefined;
afterEach(async () => llm?.close());
beforeAll(() => {
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});

async function setup(reply: (request: { index: number; body: any }) => { kind: "message"; content: string } | { kind: "tool_calls"; calls: { name: string; arguments: Record<string, unknown> }[] }) {
  llm = await startScriptedServer({ apiKey: KEY, replies: reply });
  const ws = workspace();
  new ModelStore(ws).create({ name: "Day Trader", strategy: { kind: "llm", model: "scripted/day", baseUrl: llm.url, maxSteps: 3 } });
  return ws;
}

const data = () => sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");

describe("decision cadence", () => {
  it("every 30 bars: 13 decisions in a 390-minute session", async () => {
    const ws = await setup(() => ({ kind: "message", content: "HOLD." }));
    const result = await replay({ data: data(), symbol: "SPY", date: "2013-10-07", workspace: ws, model: "day-trader", apiKey: KEY, cadence: { everyBars: 30 } });
    expect(result.bars).toBe(390);
    expect(llm!.requests).toHaveLength(13);
    expect(result.llmCalls).toBe(13);
  });

  it("on a price move: decisions only when the price moved enough since the last one", async () => {
    const ws = await setup(() => ({ kind: "message", content: "HOLD." }));
    const tight = await replay({ data: data(), symbol: "SPY", date: "2013-10-07", workspace: ws, model: "day-trader", apiKey: KEY, cadence: { onMove: 0.001 } });
    const tightCalls = tight.llmCalls;
    const loose = await replay({ data: data(), symbol: "SPY", date: "2013-10-07", workspace: ws, model: "day-trader", apiKey: KEY, cadence: { onMove: 0.004 } });
    expect(tightCalls).toBeGreaterThan(loose.llmCalls);
    expect(loose.llmCalls).toBeGreaterThanOrEqual(1);
    expect(tightCalls).toBeLessThan(390);
  });

  it("on a fill: the bar after an order fills brings a decision", async () => {
    const ws = await setup((request) =>
      request.index === 0 ? { kind: "tool_calls", calls: [{ name: "buy", arguments: { symbol: "SPY", quantity: 10 } }] } : { kind: "message", content: "HOLD." },
    );
    const result = await replay({ data: data(), symbol: "SPY", date: "2013-10-07", workspace: ws, model: "day-trader", apiKey: KEY, cadence: { everyBars: 1000, onFill: true } });
    // Bar 0 decides (buy, then its answer), the order fills at bar 1, bar 1 decides again; then nothing.
    expect(result.llmCalls).toBe(3);
    expect(result.fills).toBe(2); // the buy and the end-of-session flatten
  });
});
