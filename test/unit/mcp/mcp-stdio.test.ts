// The MCP server over stdio, with the SDK's own client, on runs produced by the engine.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedData } from "../../shared-data";
import { minuteFile } from "../store/store-fixtures";
import { RTH, stdioClient, workspaceWithRuns } from "./mcp-fixtures";

let ws: string;
let client: Client;
beforeAll(async () => {
  ws = await workspaceWithRuns();
  client = await stdioClient(ws);
}, 120_000);
afterAll(async () => client?.close());

const call = async (name: string, args: Record<string, unknown>) => {
  const result = await client.callTool({ name, arguments: args });
  return result as { isError?: boolean; structuredContent?: any; content: { type: string; text: string }[] };
};

describe("the MCP server over stdio", () => {
  it("lists the read-only tools (no write tools unless allowed), resources and prompts", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["compare_runs", "get_decisions", "get_model", "get_performance", "get_positions", "get_prices", "get_run", "get_trades", "list_models", "list_runs"]);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.annotations?.readOnlyHint).toBe(true);
    }
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(["aibt://models/momentum", "aibt://runs/sma-cross/run-0001", "aibt://runs/opening-range/run-0001", "aibt://runs/momentum/run-0001"]));
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["explain-run", "compare-runs"]);
    const prompt = await client.getPrompt({ name: "explain-run", arguments: { run: "momentum/run-0001" } });
    expect(JSON.stringify(prompt.messages)).toMatch(/get_decisions with includeReasoning/);
  });

  it("answers every read tool from the recorded runs", async () => {
    const models = await call("list_models", {});
    expect(models.structuredContent.models).toEqual([expect.objectContaining({ id: "momentum", strategy: "llm scripted/momentum", version: 1 })]);
    const model = await call("get_model", { id: "momentum" });
    expect(model.structuredContent.model.strategy.rules).toEqual(["Buy strength."]);

    const runs = await call("list_runs", {});
    expect(runs.structuredContent.total).toBe(3);
    expect(runs.structuredContent.runs.map((r: any) => r.run).sort()).toEqual(["momentum/run-0001", "opening-range/run-0001", "sma-cross/run-0001"]);
    const intraday = await call("list_runs", { model: "opening-range" });
    expect(intraday.structuredContent.runs[0]).toMatchObject({ mode: "intraday", status: "completed", data: { date: "2013-10-07", session: "regular" } });

    const run = await call("get_run", { run: "sma-cross/run-0001" });
    expect(run.structuredContent.counts.fills).toBe(run.structuredContent.run.metrics.fills);
    expect(run.structuredContent.snapshot).toMatchObject({ strategy: "sma-cross", fast: 10, slow: 50 });

    const trades = await call("get_trades", { run: "sma-cross/1", from: "2015-01-01", to: "2015-12-31", limit: 5 });
    expect(trades.structuredContent.fills.length).toBeLessThanOrEqual(5);
    for (const fill of trades.structuredContent.fills) expect(fill.time.startsWith("2015")).toBe(true);
    const nextPage = await call("get_trades", { run: "sma-cross/1", from: "2015-01-01", to: "2015-12-31", limit: 5, cursor: trades.structuredContent.nextCursor });
    expect(nextPage.structuredContent.fills[0].step).toBeGreaterThan(trades.structuredContent.fills.at(-1).step);

    const firstBuy = trades.structuredContent.fills.find((f: any) => f.side === "buy");
    const held = await call("get_positions", { run: "sma-cross/1", at: firstBuy.time });
    expect(held.structuredContent.at.positions).toEqual({ AAPL: firstBuy.quantity });
    const changes = await call("get_positions", { run: "sma-cross/1", from: "2015-01-01", to: "2015-12-31" });
    expect(changes.structuredContent.changes[0]).toMatchObject({ symbol: "AAPL", holding: expect.any(Number) });

    const decisions = await call("get_decisions", { run: "momentum/1", includeReasoning: true, limit: 2 });
    expect(decisions.structuredContent.total).toBe(19);
    expect(decisions.structuredContent.decisions[0].decision).toMatchObject({ final: "Bought AAPL on momentum.", trades: [expect.objectContaining({ side: "buy", quantity: 5 })] });
    expect(JSON.stringify(decisions.structuredContent.decisions[0].reasoning)).toMatch(/Buy strength/);
    const bySymbol = await call("get_decisions", { run: "momentum/1", symbol: "MSFT" });
    expect(bySymbol.structuredContent.total).toBe(0);

    const performance = await call("get_performance", { run: "momentum/1", points: 10 });
    expect(performance.structuredContent.metrics).toMatchObject({ llmCalls: 20, fills: 1 });
    expect(performance.structuredContent.equity.length).toBeLessThanOrEqual(11);

    const compared = await call("compare_runs", { runs: ["sma-cross/1", "momentum/1"] });
    expect(compared.structuredContent.metrics.find((m: any) => m.name === "sharpe").values).toHaveLength(2);

    const prices = await call("get_prices", { run: "opening-range/1", symbol: "SPY", asOf: "2013-10-07T10:00:00-04:00", limit: 5 });
    expect(prices.structuredContent.bars.at(-1).time).toBe("2013-10-07T10:00:00-04:00");
    expect(prices.structuredContent.truncated).toBe(true);

    const report = await client.readResource({ uri: "aibt://runs/sma-cross/run-0001" });
    expect((report.contents[0] as { text: string }).text).toMatch(/# sma-cross\/run-0001 \(daily, completed\)/);
    const html = await client.readResource({ uri: "aibt://runs/opening-range/run-0001/report" });
    expect(html.contents[0]).toMatchObject({ mimeType: "text/html" });
    expect((html.contents[0] as { text: string }).text).toMatch(/<svg[\s\S]*opening-range/);
  });

  it("refuses bad arguments with clear errors and keeps serving", async () => {
    const unknown = await call("get_run", { run: "nope/run-0009" });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]!.text).toMatch(/no run nope\/run-0009/);
    const wrongType = await call("get_trades", { run: 42 });
    expect(wrongType.isError).toBe(true);
    expect(wrongType.content[0]!.text).toMatch(/run/);
    const huge = await call("get_trades", { run: "sma-cross/1", limit: 1_000_000 });
    expect(huge.isError).toBe(true);
    expect(huge.content[0]!.text).toMatch(/limit|500/);
    const badTime = await call("get_positions", { run: "sma-cross/1", at: "last tuesday" });
    expect(badTime.content[0]!.text).toMatch(/not a date or time/);
    const badCursor = await call("list_runs", { cursor: "999" });
    expect(badCursor.content[0]!.text).toMatch(/cursor "999"/);
    // A corrupt run file: a clear error result, and the server goes on.
    writeFileSync(path.join(ws, ".aibt/runs/sma-cross/run-0099.sqlite"), "garbage".repeat(40));
    const corrupt = await call("get_run", { run: "sma-cross/run-0099" });
    expect(corrupt.isError).toBe(true);
    expect(corrupt.content[0]!.text).toMatch(/not a run file/);
    const still = await call("list_models", {});
    expect(still.isError).toBeFalsy();
  });

  it("serves nothing secret", async () => {
    const everything = await Promise.all([call("get_model", { id: "momentum" }), call("get_run", { run: "momentum/1" }), call("get_decisions", { run: "momentum/1", includeReasoning: true, limit: 500 })]);
    expect(JSON.stringify(everything)).not.toMatch(/sk-mcp-fixture/);
  });
});

describe("write tools, when allowed", () => {
  it("start a backtest that reports progress, and cancel a long replay-free backtest", async () => {
    const writer = await stdioClient(ws, ["--allow-writes"]);
    try {
      const { tools } = await writer.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["run_backtest", "run_replay", "cancel_run"]));
      const progress: number[] = [];
      const done = (await writer.callTool({ name: "run_backtest", arguments: { strategy: "buy-and-hold" } }, undefined, { onprogress: (p) => progress.push(p.progress) })) as any;
      expect(done.structuredContent).toMatchObject({ run: "buy-and-hold/run-0001", status: "completed" });
      expect(progress.length).toBeGreaterThan(10);
      expect(progress.at(-1)).toBe(5105);

      const replayed = (await writer.callTool({ name: "run_replay", arguments: { data: RTH(), symbol: "SPY", date: "2013-10-07", strategy: "opening-range" } })) as any;
      expect(replayed.structuredContent).toMatchObject({ run: "opening-range/run-0002", status: "completed" });
      const fromTrades = (await writer.callTool({ name: "run_replay", arguments: { ticks: sharedData("normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv"), symbol: "IBM", date: "2013-10-07", bar: 5, strategy: "opening-range" } })) as any;
      expect(fromTrades.structuredContent).toMatchObject({ run: "opening-range/run-0003", status: "completed", summary: { bars: 78 } });
      const neither = (await writer.callTool({ name: "run_replay", arguments: { symbol: "IBM", date: "2013-10-07" } })) as any;
      expect(neither.isError).toBe(true);
      expect(neither.content[0].text).toMatch(/exactly one of data .* or ticks/);

      // A long run, cancelled by the client mid-way: recorded as cancelled.
      const big = minuteFile(ws, 1_000_000, 21);
      const controller = new AbortController();
      const seen: number[] = [];
      const pending = writer.callTool({ name: "run_backtest", arguments: { data: big, strategy: "sma-cross" } }, undefined, {
        signal: controller.signal,
        onprogress: (p) => {
          seen.push(p.progress);
          if (p.progress > 200_000) controller.abort();
        },
        timeout: 120_000,
      });
      await expect(pending).rejects.toThrow(/abort|cancel/i);
      // The newest sma-cross run (numbered after the corrupt run-0099 left by another test) ends cancelled.
      const waitForEnd = async () => {
        for (let i = 0; i < 200; i++) {
          const list = (await writer.callTool({ name: "list_runs", arguments: { model: "sma-cross" } })) as any;
          const latest = list.structuredContent.runs[0];
          if (latest.run !== "sma-cross/run-0001" && latest.status !== "running") return latest;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error("the cancelled run never finished");
      };
      const latest = await waitForEnd();
      expect(latest.status).toBe("cancelled");
      expect(latest.stepsDone).toBeLessThan(1_000_000);
      expect(seen.length).toBeGreaterThan(0);

      // cancel_run: another request stops a run this server is running.
      const running = writer.callTool({ name: "run_backtest", arguments: { data: big, strategy: "buy-and-hold" } }, undefined, { timeout: 120_000 });
      let cancelled = 0;
      for (let i = 0; i < 100 && cancelled === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        cancelled = ((await writer.callTool({ name: "cancel_run", arguments: { model: "buy-and-hold" } })) as any).structuredContent.cancelled;
      }
      expect(cancelled).toBe(1);
      const stopped = (await running) as any;
      expect(stopped.structuredContent).toMatchObject({ run: "buy-and-hold/run-0002", status: "cancelled" });
    } finally {
      await writer.close();
    }
  }, 180_000);
});
