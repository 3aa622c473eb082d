// The tools inside a run over real minute bars: SPY, IBM, AIG and BAC, 2013-10-04 to 2013-10-11 (regular
// hours). IBM has no bar at 2013-10-04 12:39, so the run also shows how a gap in one symbol looks.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDataFile } from "../../../src/data/feeds";
import { sliceByDay } from "../../../src/data/series";
import { last, rsi, sma } from "../../../src/indicators";
import { sharedData } from "../../shared-data";
import { outputOf, runWithTools } from "./run-with-tools";
import type { ToolSession } from "./run-with-tools";

const FILE = sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");
const SYMBOLS = ["SPY", "IBM", "AIG", "BAC"];

const series = loadDataFile(FILE)
  .series.filter((s) => SYMBOLS.includes(s.instrument.symbol))
  .map((s) => sliceByDay(s, 20131004, 20131011));

interface Row {
  time: string;
  epoch: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The oracle: the CSV's own rows per symbol, read without the engine's parser. */
const rows = new Map<string, Row[]>();
for (const line of readFileSync(FILE, "utf8").split("\n").slice(1)) {
  const [symbol, time, open, high, low, close, volume] = line.split(",");
  if (!symbol || !SYMBOLS.includes(symbol) || time! < "2013-10-04" || time! >= "2013-10-12") continue;
  const list = rows.get(symbol) ?? rows.set(symbol, []).get(symbol)!;
  list.push({ time: time!, epoch: Date.parse(time!), open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) });
}

/** The symbol's rows at or before an instant: all that may be known then. */
const knownAt = (symbol: string, epoch: number) => rows.get(symbol)!.filter((row) => row.epoch <= epoch);
const asBar = ({ epoch: _epoch, ...bar }: Row) => bar;

/** The step whose bar starts at a New York time. */
const stepAt = (time: string) => {
  const epoch = Date.parse(time);
  const spy = series.find((s) => s.instrument.symbol === "SPY")!;
  return spy.time.indexOf(epoch);
};

describe("trading tools over real minute bars", () => {
  it("the oracle and the run cover the same bars", () => {
    for (const s of series) expect(s.length).toBe(rows.get(s.instrument.symbol)!.length);
    expect(rows.get("SPY")).toHaveLength(6 * 390);
    expect(rows.get("IBM")!.find((row) => row.time === "2013-10-04T12:39:00-04:00")).toBeUndefined();
  });

  it("get_price, get_history and get_indicator return exactly what was known at the clock", async () => {
    const gap = stepAt("2013-10-04T12:39:00-04:00");
    const later = stepAt("2013-10-08T11:00:00-04:00");
    const seen: Record<string, unknown> = {};
    let nowAtGap = 0;
    let nowLater = 0;
    await runWithTools(series, {
      [gap]: async (s: ToolSession) => {
        nowAtGap = s.ctx.view.time;
        seen.ibm = outputOf(await s.call("get_price", { symbol: "IBM" }));
        seen.spy = outputOf(await s.call("get_price", { symbol: "SPY" }));
        seen.ibmHistory = outputOf(await s.call("get_history", { symbol: "IBM", bars: 500 }));
      },
      [later]: async (s: ToolSession) => {
        nowLater = s.ctx.view.time;
        seen.spyHistory = outputOf(await s.call("get_history", { symbol: "SPY", bars: 120 }));
        seen.rsi = outputOf(await s.call("get_indicator", { symbol: "IBM", indicator: "rsi", period: 14 }));
        seen.sma = outputOf(await s.call("get_indicator", { symbol: "BAC", indicator: "sma", period: 30 }));
      },
    });
    expect(new Date(nowAtGap).toISOString()).toBe("2013-10-04T16:39:00.000Z");
    // IBM has no 12:39 bar: its latest is 12:38; SPY's is 12:39.
    expect(seen.ibm).toEqual({ symbol: "IBM", ...asBar(rows.get("IBM")!.find((row) => row.time === "2013-10-04T12:38:00-04:00")!) });
    expect(seen.spy).toEqual({ symbol: "SPY", ...asBar(rows.get("SPY")!.find((row) => row.time === "2013-10-04T12:39:00-04:00")!) });
    // 500 asked, 189 known (09:30..12:38): every IBM bar so far, none after the clock.
    const ibmKnown = knownAt("IBM", nowAtGap);
    expect(ibmKnown).toHaveLength(189);
    expect(seen.ibmHistory).toEqual({ symbol: "IBM", bars: ibmKnown.map(asBar) });

    const spyKnown = knownAt("SPY", nowLater);
    expect(seen.spyHistory).toEqual({ symbol: "SPY", bars: spyKnown.slice(-120).map(asBar) });
    expect((seen.spyHistory as { bars: { time: string }[] }).bars.at(-1)!.time).toBe("2013-10-08T11:00:00-04:00");

    const ibmCloses = knownAt("IBM", nowLater).map((row) => row.close);
    expect(seen.rsi).toEqual({ symbol: "IBM", indicator: "rsi", period: 14, value: last(rsi(ibmCloses, 14)), time: "2013-10-08T11:00:00-04:00" });
    const bacCloses = knownAt("BAC", nowLater).map((row) => row.close);
    expect(seen.sma).toEqual({ symbol: "BAC", indicator: "sma", period: 30, value: last(sma(bacCloses, 30)), time: "2013-10-08T11:00:00-04:00" });
    // SMA30 of the last 30 closes, summed directly.
    expect((seen.sma as { value: number }).value).toBeCloseTo(bacCloses.slice(-30).reduce((a, b) => a + b, 0) / 30, 10);
  });

  it("a buy on the day's last minute fills at the next session's opening price", async () => {
    const lastMinute = stepAt("2013-10-04T15:59:00-04:00");
    let accepted: unknown;
    const { outcome } = await runWithTools(series, { [lastMinute]: async (s) => void (accepted = outputOf(await s.call("buy", { symbol: "SPY", quantity: 10, reason: "overnight" }))) }, { cash: 100_000 });
    expect(accepted).toEqual({ status: "accepted", orderId: 1, symbol: "SPY", side: "buy", quantity: 10, fills: "at the next bar's open" });
    const open = rows.get("SPY")!.find((row) => row.time === "2013-10-07T09:30:00-04:00")!;
    expect(outcome.log.fills).toEqual([expect.objectContaining({ symbol: "SPY", side: "buy", quantity: 10, price: open.open, time: open.epoch, reason: "overnight" })]);
  });
});
