// Proofs that a strategy cannot see a bar after the simulated clock.
import { describe, expect, it } from "vitest";
import { syntheticSeries } from "../../../src/data/synthetic";
import { marketOf } from "../../../src/market/market";
import { LookAheadError, MarketView } from "../../../src/market/view";
import { backtest } from "../../../src/run/backtest";
import { runLoop } from "../../../src/run/loop";
import type { Strategy } from "../../../src/strategy/strategy";
import { flatBars } from "../fixtures";

describe("the point-in-time view", () => {
  it("throws when asked for a bar ahead of the clock", () => {
    const view = new MarketView(marketOf([flatBars("AAA", [1, 2, 3, 4])]));
    view.advanceTo(1);
    expect(view.close(0)).toBe(2);
    expect(view.close(0, 1)).toBe(1);
    expect(Number.isNaN(view.close(0, 2))).toBe(true); // before the first bar: nothing, not an error
    expect(() => view.close(0, -1)).toThrow(LookAheadError);
    expect(() => view.open(0, -2)).toThrow(/future is not visible/);
    expect(() => view.high(0, Number.NaN)).toThrow(LookAheadError);
  });

  it("history never reaches past now, however much is asked for", () => {
    const view = new MarketView(marketOf([flatBars("AAA", [1, 2, 3, 4, 5])]));
    view.advanceTo(2);
    const window = view.history(0, 1_000);
    expect([...window.close]).toEqual([1, 2, 3]);
    window.close[0] = 99; // a copy: the strategy cannot write into the market
    expect(view.close(0, 2)).toBe(1);
  });

  it("lastPrice is the latest close at or before now", () => {
    const view = new MarketView(marketOf([flatBars("AAA", [10, 11, 12])]));
    view.advanceTo(1);
    expect(view.lastPrice(0)).toBe(11);
  });

  it("a strategy sees only bars up to the current step during a run", async () => {
    const series = syntheticSeries({ symbols: ["SYNA"], start: "2021-01-04", bars: 300, interval: "daily", seed: 3 });
    const seen: { step: number; latest: number; historyEnd: number }[] = [];
    const spy: Strategy = {
      name: "spy",
      onBar(ctx) {
        const history = ctx.view.history(0, 10_000);
        seen.push({ step: ctx.view.step, latest: ctx.view.time, historyEnd: history.time[history.time.length - 1]! });
        expect(() => ctx.view.close(0, -1)).toThrow(LookAheadError);
      },
    };
    await runLoop({ market: marketOf(series), strategy: spy, initialCash: 1000 });
    expect(seen).toHaveLength(300);
    for (const s of seen) expect(s.historyEnd).toBe(s.latest);
    expect(seen.every((s, i) => s.step === i)).toBe(true);
  });

  it("changing the future does not change any decision made before it", async () => {
    const [original] = syntheticSeries({ symbols: ["SYNA"], start: "2021-01-04", bars: 600, interval: "daily", seed: 11 });
    const cut = 400;
    const altered = { ...original!, open: original!.open.slice(), high: original!.high.slice(), low: original!.low.slice(), close: original!.close.slice() };
    for (let i = cut; i < altered.length; i++) {
      // A violent, different future: any look-ahead would change decisions before the cut.
      const p = i % 2 === 0 ? 10 : 1000;
      altered.open[i] = p;
      altered.high[i] = p;
      altered.low[i] = p;
      altered.close[i] = p;
    }
    const a = await backtest({ data: [original!], fast: 5, slow: 20 });
    const b = await backtest({ data: [altered], fast: 5, slow: 20 });
    // Orders decided on bar cut-1 fill at bar cut's open (a price from the altered future), so compare
    // the decisions, and the equity through the last close before the cut.
    const decidedBefore = (fills: typeof a.fillLog) => fills.filter((f) => f.step < cut).map((f) => [f.step, f.side, f.quantity, f.price]);
    expect(decidedBefore(b.fillLog)).toEqual(decidedBefore(a.fillLog));
    expect(decidedBefore(a.fillLog).length).toBeGreaterThan(4);
    expect([...b.equityCurve.subarray(0, cut)]).toEqual([...a.equityCurve.subarray(0, cut)]);
    expect(b.equityCurve[cut + 50]).not.toBe(a.equityCurve[cut + 50]);
  });
});
