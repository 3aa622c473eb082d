import { describe, expect, it } from "vitest";
import { referenceSmaCross } from "../../../src/bench/reference";
import { syntheticSeries } from "../../../src/data/synthetic";
import { marketOf } from "../../../src/market/market";
import { backtest } from "../../../src/run/backtest";
import { runLoop } from "../../../src/run/loop";
import type { RunProgress } from "../../../src/run/loop";
import { smaCross } from "../../../src/strategy/sma-cross";
import type { Strategy } from "../../../src/strategy/strategy";
import { flatBars } from "../fixtures";

const minuteSeries = (bars: number, seed: number) => syntheticSeries({ symbols: ["SYNA"], start: "2022-03-01", bars, interval: 1, seed })[0]!;

describe("the run loop", () => {
  it("reports progress about 100 times, ending at the last step", async () => {
    const events: RunProgress[] = [];
    await runLoop({ market: marketOf([minuteSeries(10_000, 1)]), strategy: smaCross(), initialCash: 1e5, onProgress: (p) => events.push(p) });
    expect(events.length).toBe(100);
    expect(events.at(-1)!.step).toBe(10_000);
    expect(events.at(-1)!.total).toBe(10_000);
    for (let i = 1; i < events.length; i++) expect(events[i]!.step).toBeGreaterThan(events[i - 1]!.step);
  });

  it("stops when the signal aborts and says the run was cancelled", async () => {
    const controller = new AbortController();
    const outcome = await runLoop(
      {
        market: marketOf([minuteSeries(50_000, 2)]),
        strategy: smaCross(),
        initialCash: 1e5,
        onProgress: (p) => {
          if (p.step >= 10_000) controller.abort();
        },
      },
      controller.signal,
    );
    expect(outcome.status).toBe("cancelled");
    expect(outcome.steps).toBeGreaterThanOrEqual(10_000);
    expect(outcome.steps).toBeLessThan(12_000);
    expect(outcome.equity.length).toBe(outcome.steps);
  });

  it("awaits an async strategy and cancels between its decisions", async () => {
    const controller = new AbortController();
    let calls = 0;
    const slow: Strategy = {
      name: "async",
      async onBar(ctx) {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (ctx.view.step === 0) ctx.buy(0, 1);
        if (ctx.view.step === 4) controller.abort();
      },
    };
    const outcome = await runLoop({ market: marketOf([flatBars("AAA", [10, 11, 12, 13, 14, 15, 16, 17])]), strategy: slow, initialCash: 100 }, controller.signal);
    expect(outcome.status).toBe("cancelled");
    expect(calls).toBe(5);
    expect(outcome.steps).toBe(5);
    expect(outcome.log.fills).toHaveLength(1);
    expect(outcome.equity[4]).toBe(100 - 11 + 14);
  });

  it("is deterministic: the same inputs give the same run", async () => {
    const series = minuteSeries(20_000, 5);
    const a = await backtest({ data: [series], commission: 0.001 });
    const b = await backtest({ data: [series], commission: 0.001 });
    expect([...b.equityCurve]).toEqual([...a.equityCurve]);
    expect(b.fillLog).toEqual(a.fillLog);
  });

  it("matches the benchmark's reference loop bit for bit", async () => {
    for (const fractional of [true, false]) {
      const series = minuteSeries(100_000, 9);
      const engine = await backtest({ data: [series], fast: 10, slow: 50, commission: 0.001, fractional, periodsPerYear: 98_280 });
      const reference = referenceSmaCross({ open: series.open, close: series.close, fast: 10, slow: 50, cash: 100_000, commission: 0.001, fractional, periodsPerYear: 98_280 });
      expect(engine.fills).toBe(reference.fills);
      expect(engine.fills).toBeGreaterThan(1000);
      expect(engine.roundTrips).toBe(reference.roundTrips);
      expect(engine.finalEquity).toBe(reference.finalEquity);
      expect(engine.sharpe).toBe(reference.sharpe);
      expect(engine.maxDrawdown).toBe(reference.maxDrawdown);
    }
  });
});
