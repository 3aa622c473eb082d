// Intraday replay on real minute data: sessions, half days, brackets, the loss cap, flattening, cadence.
import { describe, expect, it } from "vitest";
import { loadDataFile } from "../../../src/data/feeds";
import { sessionBars, resampleBars } from "../../../src/data/sessions";
import { seriesFromBars } from "../../../src/data/series";
import { InputError } from "../../../src/errors";
import { replay } from "../../../src/run/replay";
import type { Strategy, StrategyContext } from "../../../src/strategy/strategy";
import { RunStore } from "../../../src/store/runs";
import { sharedData } from "../../shared-data";
import { workspace } from "../store/store-fixtures";
import { smaCrossOracle } from "./sma-oracle";

const RTH = () => sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");
const ALL = () => sharedData("normalized/intraday_1min_lean_algoseek_all_sessions.csv");

/** A strategy that runs scripted actions at chosen steps. */
function scripted(actions: Record<number, (ctx: StrategyContext) => unknown>): Strategy {
  return { name: "scripted", onBar: (ctx) => void actions[ctx.view.step]?.(ctx) };
}

/** One day of minute bars from (open, high, low, close) tuples, starting 09:30 New York. */
function session(prices: [number, number, number, number][]) {
  const base = Date.UTC(2020, 0, 2, 14, 30); // 09:30 EST
  return [seriesFromBars("TEST", prices.map(([open, high, low, close], i) => ({ time: base + i * 60_000, day: 20200102, minute: 570 + i, open, high, low, close, volume: 100 })))];
}

describe("replaying a session", () => {
  it("SPY 2013-10-07, regular session: 390 bars, following the sma-cross rules on minute bars", async () => {
    const result = await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", fast: 5, slow: 20, commission: 0.0005, flatten: false });
    expect(result.bars).toBe(390);
    expect(result.periodsPerYear).toBe(252 * 390);
    const spy = sessionBars(loadDataFile(RTH()).series.find((s) => s.instrument.symbol === "SPY")!, 20131007, "regular");
    const expected = smaCrossOracle(spy, 5, 20, 100_000, 0.0005, false, 252 * 390);
    expect(result.fillLog.map((f) => ({ step: f.step, side: f.side, quantity: f.quantity, price: f.price }))).toEqual(expected.fills);
    expect(expected.fills.length).toBeGreaterThan(4);
    expect(result.finalEquity).toBe(expected.finalEquity);
    expect(result.trades).toBe(expected.roundTrips);
    expect(result).toMatchObject({ date: "2013-10-07", session: "regular", barMinutes: 1 });
  });

  it("GOOG 2015-12-24 is a half day: dense bars to 13:00, then only the late prints the data has", async () => {
    const result = await replay({ data: RTH(), symbol: "GOOG", date: "2015-12-24", strategy: "buy-and-hold" });
    expect(result.bars).toBe(224);
    expect(result.bars).toBeLessThan(390);
    const goog = sessionBars(loadDataFile(RTH()).series.find((s) => s.instrument.symbol === "GOOG")!, 20151224, "regular");
    const afterOne = [...goog.minute].filter((m) => m > 13 * 60);
    expect(afterOne.length).toBeLessThan(15); // a few late prints, not a session
    expect([...goog.volume].every((v) => v > 0)).toBe(true); // absent minutes are absent, not zero-volume bars
    // Dense to 13:00: every minute 09:30-13:00 is there; the session's last dense bar is 13:00.
    const dense = [...goog.minute].filter((m) => m <= 13 * 60);
    expect(dense).toHaveLength(211);
  });

  it("replays the pre-market and after-hours sessions from the all-sessions file, and wider bars", async () => {
    const pre = await replay({ data: ALL(), symbol: "SPY", date: "2013-10-07", session: "pre", strategy: "buy-and-hold", flatten: false });
    expect(pre.bars).toBeGreaterThan(30);
    const spy = loadDataFile(ALL()).series.find((s) => s.instrument.symbol === "SPY")!;
    const regular = sessionBars(spy, 20131007, "regular");
    const fives = resampleBars(regular, 5);
    expect(fives.length).toBe(78);
    expect(fives.minute[1]).toBe(575);
    expect(fives.open[0]).toBe(regular.open[0]);
    expect(fives.close[0]).toBe(regular.close[4]);
    expect(fives.volume[0]).toBe(regular.volume.subarray(0, 5).reduce((a, b) => a + b, 0));
    expect(fives.high[0]).toBe(Math.max(...regular.high.subarray(0, 5)));
    const fifteen = await replay({ data: ALL(), symbol: "SPY", date: "2013-10-07", bar: 15, strategy: "buy-and-hold" });
    expect(fifteen.bars).toBe(26);
    expect(fifteen.periodsPerYear).toBe(252 * 26);
  });

  it("refuses a date without data, a session without bars, and bad widths, clearly", async () => {
    await expect(replay({ data: RTH(), symbol: "SPY", date: "2013-10-12" })).rejects.toThrow(/SPY has no bars on 2013-10-12.*2013-10-07/);
    await expect(replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", session: "after" })).rejects.toThrow(/no bars in the after session on 2013-10-07.*regular/);
    await expect(replay({ data: RTH(), symbol: "SPY", date: "10/07/2013" })).rejects.toThrow(/not a date/);
    await expect(replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", bar: 7 })).rejects.toThrow(/does not divide the hour/);
    await expect(replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", cadence: { everyBars: 5 } })).rejects.toThrow(InputError);
  });
});

describe("brackets inside a session", () => {
  const entryBars: [number, number, number, number][] = [[100, 100, 100, 100], [100, 100.5, 99.5, 100]];
  const bracket = (ctx: StrategyContext) => ctx.submit({ symbol: "TEST", side: "buy", quantity: 10, stopLoss: 98, takeProfit: 103, reason: "entry" });

  it("hits its stop: filled at the stop, the target cancelled", async () => {
    const data = session([...entryBars, [99.5, 99.8, 97.5, 98.2], [98.2, 104, 98, 103.5]]);
    const result = await replay({ data, date: "2020-01-02", strategy: scripted({ 0: bracket }) });
    expect(result.fillLog.map((f) => [f.step, f.side, f.price, f.reason])).toEqual([[1, "buy", 100, "entry"], [2, "sell", 98, "bracket stop"]]);
    expect(result.tradeLog[0]!.pnl).toBe(-20);
  });

  it("hits its target: filled at the target, the stop cancelled", async () => {
    const data = session([...entryBars, [100.5, 103.2, 100.2, 103], [103, 103, 90, 91]]);
    const result = await replay({ data, date: "2020-01-02", strategy: scripted({ 0: bracket }) });
    expect(result.fillLog.map((f) => [f.step, f.side, f.price, f.reason])).toEqual([[1, "buy", 100, "entry"], [2, "sell", 103, "bracket target"]]);
  });

  it("touches both in one bar: the stop fills first, unless configured otherwise", async () => {
    const data = session([...entryBars, [100, 104, 97, 101], [101, 101, 101, 101]]);
    const stopFirst = await replay({ data, date: "2020-01-02", strategy: scripted({ 0: bracket }) });
    expect(stopFirst.fillLog[1]).toMatchObject({ step: 2, price: 98, reason: "bracket stop" });
    expect(stopFirst.fills).toBe(2);
  });

  it("gaps through its stop: filled at the open, not at a price that never traded", async () => {
    const data = session([...entryBars, [96, 96.5, 95, 96], [96, 96, 96, 96]]);
    const result = await replay({ data, date: "2020-01-02", strategy: scripted({ 0: bracket }) });
    expect(result.fillLog[1]).toMatchObject({ price: 96, reason: "bracket stop" });
  });

  it("refuses a long bracket whose stop is above the entry, and records why", async () => {
    const data = session([...entryBars, [100, 100, 100, 100]]);
    const result = await replay({
      data,
      date: "2020-01-02",
      strategy: scripted({ 0: (ctx) => ctx.submit({ symbol: "TEST", side: "buy", quantity: 10, stopLoss: 101, takeProfit: 105 }) }),
    });
    expect(result.fills).toBe(0);
    expect(result.blockedLog[0]).toMatchObject({ rule: "invalid-order", reason: "a long bracket needs its stop (101) below the entry (about 100.00)" });
    const inverted = await replay({
      data,
      date: "2020-01-02",
      strategy: scripted({ 0: (ctx) => ctx.submit({ symbol: "TEST", side: "buy", quantity: 10, stopLoss: 105, takeProfit: 101 }) }),
    });
    expect(inverted.blockedLog[0]!.reason).toMatch(/a long bracket needs stopLoss \(105\) below takeProfit \(101\)/);
  });
});

describe("the risk guard and the session's end", () => {
  it("halts new entries for the day once the loss cap is hit, and records why", async () => {
    const data = session([[100, 100, 100, 100], [100, 100, 100, 100], [95, 95, 95, 95], [95, 95, 95, 95], [96, 96, 96, 96]]);
    const result = await replay({
      data,
      date: "2020-01-02",
      risk: { dailyLossCap: 0.02 },
      strategy: scripted({ 0: (ctx) => ctx.buy("TEST", 500), 2: (ctx) => ctx.buy("TEST", 1), 3: (ctx) => ctx.sell("TEST", 100) }),
    });
    expect(result.blockedLog).toHaveLength(1);
    expect(result.blockedLog[0]).toMatchObject({ step: 2, rule: "daily-loss-cap" });
    expect(result.blockedLog[0]!.reason).toMatch(/trading halted for 2020-01-02: equity is down 2\.50%/);
    expect(result.fillLog.map((f) => [f.step, f.side, f.quantity])).toEqual([[1, "buy", 500], [4, "sell", 100], [4, "sell", 400]]);
    expect(result.fillLog[2]!.reason).toBe("end-of-session flatten");
  });

  it("flattens at the session's last close, or holds with flatten off", async () => {
    const data = session([[100, 100, 100, 100], [100, 100, 100, 100], [101, 102, 101, 102]]);
    const flat = await replay({ data, date: "2020-01-02", strategy: scripted({ 0: (ctx) => ctx.buy("TEST", 10) }) });
    expect(flat.fillLog.at(-1)).toMatchObject({ step: 2, side: "sell", quantity: 10, price: 102, reason: "end-of-session flatten" });
    expect(flat.exposureCurve.at(-1)).toBe(0);
    const held = await replay({ data, date: "2020-01-02", flatten: false, strategy: scripted({ 0: (ctx) => ctx.buy("TEST", 10) }) });
    expect(held.fills).toBe(1);
    expect(held.exposureCurve.at(-1)).toBe(1020);
  });

  it("the opening-range strategy trades once with a bracket and is flat at the close on real data", async () => {
    const result = await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", strategy: "opening-range", rangeBars: 15 });
    expect(result.fillLog[0]).toMatchObject({ side: "buy" });
    expect(result.fillLog[0]!.reason).toMatch(/broke the 15-bar opening range/);
    expect(result.fills).toBe(2);
    expect(result.exposureCurve.at(-1)).toBe(0);
  });

  it("reports progress minute by minute and cancels at any minute", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await replay(
      { data: RTH(), symbol: "SPY", date: "2013-10-07", onProgress: (p) => (seen.push(p.step), p.step >= 200 && controller.abort()) },
      controller.signal,
    );
    expect(seen[0]).toBeLessThanOrEqual(4);
    expect(result.status).toBe("cancelled");
    expect(result.bars).toBeLessThan(390);
  });

  it("is stored like any other run: mode intraday, with its date and session", async () => {
    const ws = workspace();
    const result = await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", fast: 5, slow: 20, workspace: ws });
    const reader = await new RunStore(ws).open(`sma-cross/${result.run!.id}`);
    expect(reader.card()).toMatchObject({ mode: "intraday", stepsDone: 390, data: { symbol: "SPY", date: "2013-10-07", session: "regular", barMinutes: 1 } });
    reader.close();
  });
});

describe("replaying from raw trades", () => {
  const TICKS = () => sharedData("normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv");

  it("aggregates IBM's trades of 2013-10-07 into the session's bars and replays them", async () => {
    const fromTicks = await replay({ ticks: TICKS(), symbol: "IBM", date: "2013-10-07", excludeConditions: ["4000000", "1000000"], fast: 5, slow: 20, flatten: false });
    const fromBars = await replay({ data: RTH(), symbol: "IBM", date: "2013-10-07", fast: 5, slow: 20, flatten: false });
    // Minutes without a trade are absent; the vendor's bars cover the same session.
    expect(fromTicks.bars).toBeGreaterThan(380);
    expect(fromTicks.bars).toBeLessThanOrEqual(390);
    expect(Math.abs(fromTicks.bars - fromBars.bars)).toBeLessThanOrEqual(5);
    expect(fromTicks.fills).toBeGreaterThan(2);
    const fives = await replay({ ticks: TICKS(), symbol: "IBM", date: "2013-10-07", bar: 5, strategy: "buy-and-hold" });
    expect(fives.bars).toBe(78);
  });

  it("refuses both bars and trades at once", async () => {
    await expect(replay({ ticks: TICKS(), data: RTH(), symbol: "IBM", date: "2013-10-07" })).rejects.toThrow(/either --data \(bars\) or --ticks \(trades\)/);
  });
});
