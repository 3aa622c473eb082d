// The sma-cross reference rules (issue 2), checked against a deliberately naive oracle written straight
// from the rules' text: SMAs by direct summation, decisions bar by bar, fills at the next open.
import { describe, expect, it } from "vitest";
import { loadDataFile } from "../../../src/data/feeds";
import { sliceByDay } from "../../../src/data/series";
import { backtest } from "../../../src/run/backtest";
import { sharedData } from "../../shared-data";
import { smaCrossOracle } from "./sma-oracle";

const cases = [
  { name: "AAPL, 10 years of daily bars (Yahoo)", file: "normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv", symbol: "AAPL", fast: 10, slow: 50, ppy: 252 },
  { name: "QQQ, 2025 H1 daily bars", file: "normalized/daily_ndx100_aitrader_3b7dad6_2025-01-02_2025-06-27_adjusted.csv", symbol: "QQQ", fast: 5, slow: 20, ppy: 252 },
  { name: "SPY 2013-10-07 minute bars", file: "normalized/intraday_1min_lean_algoseek_rth.csv", symbol: "SPY", fast: 5, slow: 20, ppy: 252 * 390, day: "2013-10-07" },
];

describe("sma-cross follows the reference rules exactly", () => {
  for (const c of cases) {
    for (const [commission, fractional] of [[0, false], [0.001, false], [0.001, true]] as const) {
      it(`${c.name}, commission ${commission}${fractional ? ", fractional" : ""}`, async () => {
        const data = loadDataFile(sharedData(c.file));
        const full = data.series.find((s) => s.instrument.symbol === c.symbol)!;
        const day = c.day ? Number(c.day.replaceAll("-", "")) : undefined;
        const series = day ? sliceByDay(full, day, day) : full;
        const result = await backtest({ data, symbol: c.symbol, from: c.day, to: c.day, fast: c.fast, slow: c.slow, commission, fractional, cash: 100_000 });
        const expected = smaCrossOracle(series, c.fast, c.slow, 100_000, commission, fractional, c.ppy);
        expect(result.bars).toBe(series.length);
        expect(result.periodsPerYear).toBe(c.ppy);
        expect(result.fillLog.map((f) => ({ step: f.step, side: f.side, quantity: f.quantity, price: f.price }))).toEqual(expected.fills);
        expect(expected.fills.length).toBeGreaterThan(2);
        expect(result.fills).toBe(expected.fills.length);
        expect(result.roundTrips).toBe(expected.roundTrips);
        expect(result.finalEquity).toBe(expected.finalEquity);
        expect(result.sharpe).toBeCloseTo(expected.sharpe, 10);
        expect(result.maxDrawdown).toBeCloseTo(expected.maxDrawdown, 12);
        if (!fractional) for (const f of result.fillLog) expect(Number.isInteger(f.quantity)).toBe(true);
      });
    }
  }

  it("SPY 2013-10-07 regular session has 390 minute bars", async () => {
    const result = await backtest({ data: sharedData("normalized/intraday_1min_lean_algoseek_rth.csv"), symbol: "SPY", from: "2013-10-07", to: "2013-10-07", fast: 5, slow: 20 });
    expect(result.bars).toBe(390);
  });

  it("a signal on the last bar is not filled", async () => {
    // Closes rise only on the last bar: the cross-up happens there and has no next open to fill at.
    const bars = Array.from({ length: 30 }, (_, i) => {
      const close = i === 29 ? 200 : 100 - i * 0.1;
      return { time: Date.UTC(2020, 0, 1 + i, 14, 30), day: 20200101 + i, minute: 570, open: close, high: close, low: close, close, volume: 1 };
    });
    const { seriesFromBars } = await import("../../../src/data/series");
    const result = await backtest({ data: [seriesFromBars("TEST", bars)], fast: 2, slow: 5 });
    expect(result.fills).toBe(0);
  });

  it("flat prices make no crosses (float noise is not a signal)", async () => {
    const { seriesFromBars } = await import("../../../src/data/series");
    const bars = Array.from({ length: 200 }, (_, i) => ({ time: Date.UTC(2020, 0, 1, 14, 30) + i * 60_000, day: 20200101, minute: 570 + i, open: 168.05, high: 168.05, low: 168.05, close: 168.05, volume: 1 }));
    const result = await backtest({ data: [seriesFromBars("FLAT", bars)], fast: 3, slow: 7 });
    expect(result.fills).toBe(0);
  });
});
