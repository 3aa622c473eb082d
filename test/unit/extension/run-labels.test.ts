// How models and runs read in the tree: pure functions of the stored cards (extension/tree/run-labels).
import { describe, expect, it } from "vitest";
import { modelDescription, runLabel, runSpan } from "../../../extension/tree/run-labels";
import type { RunCard } from "../../../src/store/run-record";

const card = (over: Partial<RunCard> = {}): RunCard => ({
  id: "run-0003",
  modelId: "sma-20-100",
  number: 3,
  mode: "daily",
  status: "completed",
  error: null,
  startedAt: "2026-01-02T10:00:00.000Z",
  endedAt: "2026-01-02T10:00:01.000Z",
  stepsDone: 5105,
  stepsTotal: 5105,
  data: { source: "sp500-2000.csv", symbol: "SPX", from: "2000-01-03", to: "2020-04-17" },
  metrics: { totalReturn: 0.7142, sharpe: 0.2987, maxDrawdown: 0.2221 },
  ...over,
});

describe("run labels", () => {
  it("a finished daily run: mode, range, return and Sharpe, a pass icon, deletable", () => {
    const label = runLabel(card());
    expect(label.label).toBe("run-0003");
    expect(label.description).toBe("daily · SPX 2000-01-03..2020-04-17 · +71.4% · Sharpe 0.30");
    expect(label.icon).toBe("pass");
    expect(label.contextValue).toBe("aibt.run.ended");
    expect(label.tooltip).toContain("max drawdown -22.2%");
  });

  it("a replay shows its day, and a session other than the regular one", () => {
    const data = { symbol: "SYNA", from: "2024-03-05", to: "2024-03-05", date: "2024-03-05", session: "regular" };
    expect(runSpan({ mode: "intraday", data })).toBe("SYNA session 2024-03-05");
    expect(runSpan({ mode: "intraday", data: { ...data, session: "extended" } })).toBe("SYNA session 2024-03-05 (extended)");
    expect(runLabel(card({ mode: "intraday", data })).description).toMatch(/^replay · SYNA session 2024-03-05 · /);
  });

  it("a running run shows its progress and a spinning icon, and can be cancelled", () => {
    const label = runLabel(card({ status: "running", stepsDone: 1276, stepsTotal: 5105, metrics: null, endedAt: null }));
    expect(label.description).toBe("daily · SPX 2000-01-03..2020-04-17 · 24%");
    expect(label.icon).toBe("sync~spin");
    expect(label.contextValue).toBe("aibt.run.running");
    expect(label.tooltip).toContain("running, 1276 of 5105 steps");
  });

  it("failed, cancelled and interrupted runs say so, with their own icons and the error in the tooltip", () => {
    const failed = runLabel(card({ status: "failed", error: "the LLM endpoint refused the key (401)", metrics: null }));
    expect(failed.icon).toBe("error");
    expect(failed.description).toContain("failed");
    expect(failed.tooltip).toContain("error: the LLM endpoint refused the key (401)");
    expect(runLabel(card({ status: "cancelled" })).icon).toBe("circle-slash");
    // A card still marked running whose writer is gone, as a listing shows before recovery.
    expect(runLabel(card({ status: "running" }), false).description).toContain("interrupted");
  });

  it("numbers that are missing or not finite are left out rather than shown as NaN", () => {
    const label = runLabel(card({ metrics: { totalReturn: null, sharpe: Number.NaN } }));
    expect(label.description).toBe("daily · SPX 2000-01-03..2020-04-17");
    expect(label.tooltip).not.toMatch(/NaN|null/);
  });

  it("a model reads as its strategy, tickers and number of runs", () => {
    expect(modelDescription({ strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 20, slow: 100 } }, allowedTickers: [] } as never, 1)).toBe("sma-cross · any ticker · 1 run");
    expect(modelDescription({ strategy: { kind: "llm", model: "openai/gpt-4o-mini" }, allowedTickers: ["AAPL", "MSFT"] } as never, 3)).toBe("LLM openai/gpt-4o-mini · AAPL, MSFT · 3 runs");
  });
});
