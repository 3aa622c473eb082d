// Tick -> bar aggregation: real IBM ticks against the vendor's own minute bars, wider bars against
// minute bars, streaming against all-at-once, and every refusal.
import { describe, expect, it } from "vitest";
import { inputErrorOf } from "../input-error";
import { aggregateTicks, BarAggregator, checkBarMinutes, parseBarWidth } from "../../../src/data/aggregate";
import type { AggregateOptions } from "../../../src/data/aggregate";
import { formatMarketTime, marketTimeOf, nyLocalToEpoch, parseMarketTime } from "../../../src/data/calendar";
import { loadDataFile } from "../../../src/data/feeds";
import type { BarSeries } from "../../../src/data/series";
import { sliceByDay } from "../../../src/data/series";
import type { TradeTicks } from "../../../src/data/ticks";
import { readTickChunks, readTickFile, sliceTicks, tradeTicksOf } from "../../../src/data/ticks";
import { InputError } from "../../../src/errors";
import { sharedData } from "../../shared-data";

const IBM_TICKS = sharedData("normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv");
const VENDOR_MINUTES = sharedData("normalized/intraday_1min_lean_algoseek_all_sessions.csv");

/**
 * The filter that makes our minute volumes agree best with AlgoSeek's (LEAN's) minute bars: drop sale
 * conditions 4000000 (the market center's "official open") and 1000000 ("official close"). They are
 * reports of the opening and closing price, not extra trading, and repeat volume already printed: with
 * them out our total volume for 2013-10-07 equals the vendor's exactly (3,960,266 shares) and agreement
 * goes from 449 to 451 of 453 minutes (unfiltered 99.1%, filtered 99.6%).
 * Suspicious trades are KEPT, although the vendor's format notes say its bars exclude them: IBM has
 * none on these days, but on SPY 2013-10-10 (the benchmark's day, 10 suspicious trades of up to
 * 1,000,000 shares) the vendor's minute volumes include them: dropping them takes agreement from
 * 99.77% to 98.64% of that day's minutes. (Checked on all 20 symbol-days of SPY, IBM, BAC and AIG
 * ticks: this filter gives 98.9-99.8% everywhere; it is never worse than no filter.)
 * Searched on 2013-10-07 (each code and flag alone, then combinations): dropping 40 (opening cross),
 * 20 (intermarket sweep), 20000000 (Rule 611 exempt), 2000 (extended hours) and the rest agrees worse
 * or no better. The two minutes that still differ are 15:59 and 16:01: the vendor books the NYSE
 * closing cross (code 80, 151,665 shares, stamped 16:01 in the ticks) into its 15:59 bar, and we keep
 * every trade in the minute it is stamped. Dropping code 80 as well would "fix" 16:01 (452 of 453)
 * but throw away the day's largest real trade, which the vendor does count: not done.
 * OHLC agrees far less (about 54% of minutes on all four prices) because the vendor also drops some
 * conditions from prices but not from volume (see the data README): reported below, not asserted.
 */
const VENDOR_FILTER: Omit<AggregateOptions, "barMinutes"> = { excludeConditions: ["4000000", "1000000"] };

const allTicks = readTickFile(IBM_TICKS);

function dayTicks(ticks: TradeTicks, year: number, month: number, day: number): TradeTicks {
  const from = nyLocalToEpoch(year, month, day);
  const to = nyLocalToEpoch(year, month, day + 1);
  let start = 0;
  while (start < ticks.length && ticks.time[start]! < from) start++;
  let end = start;
  while (end < ticks.length && ticks.time[end]! < to) end++;
  return sliceTicks(ticks, start, end);
}

function vendorDay(day: number): BarSeries {
  const series = loadDataFile(VENDOR_MINUTES).series.find((s) => s.instrument.symbol === "IBM")!;
  return sliceByDay(series, day, day);
}

interface Agreement {
  minutes: number;
  volume: number;
  open: number;
  high: number;
  low: number;
  close: number;
  ohlc: number;
  extra: number;
}

function agreement(ours: BarSeries, vendor: BarSeries): Agreement {
  const index = new Map<number, number>();
  for (let i = 0; i < ours.length; i++) index.set(ours.time[i]!, i);
  const counts = { volume: 0, open: 0, high: 0, low: 0, close: 0, ohlc: 0 };
  for (let j = 0; j < vendor.length; j++) {
    const i = index.get(vendor.time[j]!);
    if (i === undefined) continue;
    if (ours.volume[i] === vendor.volume[j]) counts.volume++;
    const same = (["open", "high", "low", "close"] as const).map((field) => ours[field][i] === vendor[field][j]);
    same.forEach((equal, k) => {
      if (equal) counts[(["open", "high", "low", "close"] as const)[k]!]++;
    });
    if (same.every(Boolean)) counts.ohlc++;
  }
  const vendorTimes = new Set(vendor.time);
  let extra = 0;
  for (let i = 0; i < ours.length; i++) if (!vendorTimes.has(ours.time[i]!)) extra++;
  const n = vendor.length;
  return {
    minutes: n,
    volume: counts.volume / n,
    open: counts.open / n,
    high: counts.high / n,
    low: counts.low / n,
    close: counts.close / n,
    ohlc: counts.ohlc / n,
    extra,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function columns(series: BarSeries): Record<string, number[]> {
  return {
    time: Array.from(series.time),
    day: Array.from(series.day),
    minute: Array.from(series.minute),
    open: Array.from(series.open),
    high: Array.from(series.high),
    low: Array.from(series.low),
    close: Array.from(series.close),
    volume: Array.from(series.volume),
  };
}


const at = (text: string) => parseMarketTime(text)!.time;

describe("IBM 2013-10-07 ticks -> 1-minute bars, against the vendor's minute bars", () => {
  const ticks = dayTicks(allTicks, 2013, 10, 7);
  const ours = aggregateTicks(ticks, { barMinutes: 1, ...VENDOR_FILTER });
  const vendor = vendorDay(20131007);

  it("volumes agree in >= 99% of the vendor's minutes (OHLC reported, not asserted)", () => {
    expect(ticks.length).toBe(24_293);
    expect(vendor.length).toBe(453);
    const filtered = agreement(ours, vendor);
    const unfiltered = agreement(aggregateTicks(ticks, { barMinutes: 1 }), vendor);
    console.log(
      `IBM 2013-10-07, ${ticks.length} trades -> ${ours.length} minute bars vs the vendor's ${vendor.length}:\n` +
        `  volume agrees in ${pct(filtered.volume)} of minutes (no filter: ${pct(unfiltered.volume)})\n` +
        `  open ${pct(filtered.open)}, high ${pct(filtered.high)}, low ${pct(filtered.low)}, close ${pct(filtered.close)}, all four ${pct(filtered.ohlc)}\n` +
        `  total volume ${ours.volume.reduce((a, b) => a + b, 0)} vs vendor ${vendor.volume.reduce((a, b) => a + b, 0)}`,
    );
    expect(filtered.volume).toBeGreaterThanOrEqual(0.99);
    expect(filtered.volume).toBeGreaterThanOrEqual(unfiltered.volume);
    // We make no bar the vendor lacks: both leave minutes without trades out.
    expect(filtered.extra).toBe(0);
    expect(ours.length).toBe(vendor.length);
  });

  it("the other four days agree as well (reported; asserted >= 99%)", () => {
    const lines: string[] = [];
    for (const d of [8, 9, 10, 11]) {
      const day = dayTicks(allTicks, 2013, 10, d);
      const result = agreement(aggregateTicks(day, { barMinutes: 1, ...VENDOR_FILTER }), vendorDay(20131000 + d));
      lines.push(`  2013-10-${String(d).padStart(2, "0")}: ${day.length} trades, volume ${pct(result.volume)}, OHLC ${pct(result.ohlc)}`);
      expect(result.volume).toBeGreaterThanOrEqual(0.99);
    }
    console.log(`IBM, other days, vendor filter:\n${lines.join("\n")}`);
  });

  it("bars are stamped at their start: every trade lies in [bar, bar + 1 minute)", () => {
    expect(formatMarketTime(ticks.time[0]!)).toBe("2013-10-07T04:00:30-04:00");
    expect(formatMarketTime(ours.time[0]!)).toBe("2013-10-07T04:00:00-04:00");
    expect(ours.minute[0]).toBe(240);
    expect(ours.day[0]).toBe(20131007);
    let bar = 0;
    for (let i = 0; i < ticks.length; i++) {
      const condition = ticks.conditions[ticks.condition[i]!]!;
      if (VENDOR_FILTER.excludeConditions!.includes(condition)) continue;
      const t = ticks.time[i]!;
      while (bar < ours.length && ours.time[bar]! + 60_000 <= t) bar++;
      if (!(ours.time[bar]! <= t && t < ours.time[bar]! + 60_000)) throw new Error(`trade ${i} at ${t} has no bar`);
    }
    for (let i = 0; i < ours.length; i++) {
      expect(ours.time[i]! % 60_000).toBe(0);
      expect(marketTimeOf(ours.time[i]!).minute).toBe(ours.minute[i]);
    }
  });

  it("no bar for a minute without trades: the bars are exactly the minutes that have trades", () => {
    const minutesWithTrades = new Set<number>();
    const volumeByMinute = new Map<number, number>();
    for (let i = 0; i < ticks.length; i++) {
      if (VENDOR_FILTER.excludeConditions!.includes(ticks.conditions[ticks.condition[i]!]!)) continue;
      const minute = Math.floor(ticks.time[i]! / 60_000) * 60_000;
      minutesWithTrades.add(minute);
      volumeByMinute.set(minute, (volumeByMinute.get(minute) ?? 0) + ticks.size[i]!);
    }
    expect(Array.from(ours.time)).toEqual([...minutesWithTrades]);
    expect(Array.from(ours.volume)).toEqual([...volumeByMinute.values()]);
    expect(ours.volume.every((v) => v > 0)).toBe(true);
    // The session has gaps: 453 minutes with trades between 04:00 and 19:59 (960 minutes).
    expect(ours.length).toBeLessThan(960);
  });
});

describe("wider bars are consistent with 1-minute bars", () => {
  const minute = aggregateTicks(allTicks, { barMinutes: 1, ...VENDOR_FILTER });

  for (const width of [5, 15, 30, 60]) {
    it(`${width}-minute bars: first open, max high, min low, last close, summed volume of their minutes`, () => {
      const wide = aggregateTicks(allTicks, { barMinutes: width, ...VENDOR_FILTER });
      const expected: { time: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
      for (let i = 0; i < minute.length; i++) {
        const start = minute.time[i]! - (minute.minute[i]! % width) * 60_000;
        const last = expected.at(-1);
        if (last && last.time === start) {
          last.high = Math.max(last.high, minute.high[i]!);
          last.low = Math.min(last.low, minute.low[i]!);
          last.close = minute.close[i]!;
          last.volume += minute.volume[i]!;
        } else {
          expected.push({ time: start, open: minute.open[i]!, high: minute.high[i]!, low: minute.low[i]!, close: minute.close[i]!, volume: minute.volume[i]! });
        }
      }
      expect(wide.length).toBe(expected.length);
      expect(Array.from(wide.time)).toEqual(expected.map((b) => b.time));
      expect(Array.from(wide.open)).toEqual(expected.map((b) => b.open));
      expect(Array.from(wide.high)).toEqual(expected.map((b) => b.high));
      expect(Array.from(wide.low)).toEqual(expected.map((b) => b.low));
      expect(Array.from(wide.close)).toEqual(expected.map((b) => b.close));
      expect(Array.from(wide.volume)).toEqual(expected.map((b) => b.volume));
      for (let i = 0; i < wide.length; i++) expect(wide.minute[i]! % width).toBe(0);
      expect(wide.volume.reduce((a, b) => a + b, 0)).toBe(minute.volume.reduce((a, b) => a + b, 0));
    });
  }
});

describe("streaming", () => {
  const options: AggregateOptions = { barMinutes: 5, ...VENDOR_FILTER };
  const allAtOnce = aggregateTicks(allTicks, options);

  it("one tick at a time, all at once, and file chunks give the same bars", () => {
    const aggregator = new BarAggregator("IBM", options);
    for (let i = 0; i < allTicks.length; i++) {
      aggregator.add(allTicks.time[i]!, allTicks.price[i]!, allTicks.size[i]!, allTicks.conditions[allTicks.condition[i]!], allTicks.suspicious[i] === 1);
    }
    const oneByOne = aggregator.finish();
    expect(columns(oneByOne)).toEqual(columns(allAtOnce));
    let officialReports = 0;
    for (let i = 0; i < allTicks.length; i++) if (VENDOR_FILTER.excludeConditions!.includes(allTicks.conditions[allTicks.condition[i]!]!)) officialReports++;
    expect(officialReports).toBeGreaterThan(5);
    expect(aggregator.stats).toEqual({ ticks: allTicks.length, excluded: officialReports, zeroSize: 0 });

    const chunked = aggregateTicks(readTickChunks(IBM_TICKS, { chunkBytes: 10_000 }), options);
    expect(columns(chunked)).toEqual(columns(allAtOnce));
  });

  it("bounded memory: the aggregator keeps no ticks, only the bar in progress and its output", () => {
    const clean = new BarAggregator("IBM", options);
    const dirty = new BarAggregator("IBM", options);
    const chunkSize = 5_000;
    for (let from = 0; from < allTicks.length; from += chunkSize) {
      const range = sliceTicks(allTicks, from, from + chunkSize);
      clean.addTicks(range);
      // A copy, handed over and then wrecked: if the aggregator kept it, its result would change.
      const copy: TradeTicks = { ...range, time: range.time.slice(), price: range.price.slice(), size: range.size.slice(), condition: range.condition.slice(), suspicious: range.suspicious.slice() };
      dirty.addTicks(copy);
      copy.price.fill(Number.NaN);
      copy.size.fill(-1);
      copy.time.fill(0);
      // What it holds mid-stream: closed bars, and one bar in progress equal to its trades so far.
      expect(dirty.barCount).toBe(clean.barCount);
      expect(dirty.current()).toEqual(clean.current());
    }
    expect(columns(dirty.finish())).toEqual(columns(allAtOnce));
    expect(columns(clean.finish())).toEqual(columns(allAtOnce));
  });

  it("the bar in progress is exactly the trades of its window so far", () => {
    const aggregator = new BarAggregator("IBM", { barMinutes: 1 });
    const trades = [
      ["2013-10-07T09:30:00.000-04:00", 10, 100],
      ["2013-10-07T09:30:10.000-04:00", 12, 50],
      ["2013-10-07T09:30:59.999-04:00", 9, 25],
    ] as const;
    expect(aggregator.current()).toBeUndefined();
    for (const [stamp, price, size] of trades) aggregator.add(at(stamp), price, size);
    expect(aggregator.barCount).toBe(0);
    expect(aggregator.current()).toEqual({ time: at("2013-10-07T09:30:00-04:00"), day: 20131007, minute: 570, open: 10, high: 12, low: 9, close: 9, volume: 175 });
    aggregator.add(at("2013-10-07T09:31:00.000-04:00"), 11, 1);
    expect(aggregator.barCount).toBe(1);
    expect(aggregator.current()).toMatchObject({ minute: 571, open: 11, volume: 1 });
  });
});

describe("bar windows", () => {
  it("a 5-minute bar at 09:35 covers 09:35:00.000-09:39:59.999; empty windows have no bar", () => {
    const ticks = tradeTicksOf("IBM", [
      { time: at("2013-10-07T09:34:59.999-04:00"), price: 10, size: 1 },
      { time: at("2013-10-07T09:35:00.000-04:00"), price: 11, size: 2 },
      { time: at("2013-10-07T09:39:59.999-04:00"), price: 12, size: 3 },
      { time: at("2013-10-07T09:40:00.000-04:00"), price: 13, size: 4 },
      { time: at("2013-10-07T10:02:00.000-04:00"), price: 14, size: 5 },
    ]);
    const bars = aggregateTicks(ticks, { barMinutes: 5 });
    expect(Array.from(bars.time).map(formatMarketTime)).toEqual([
      "2013-10-07T09:30:00-04:00",
      "2013-10-07T09:35:00-04:00",
      "2013-10-07T09:40:00-04:00",
      "2013-10-07T10:00:00-04:00",
    ]);
    expect(Array.from(bars.open)).toEqual([10, 11, 13, 14]);
    expect(Array.from(bars.close)).toEqual([10, 12, 13, 14]);
    expect(Array.from(bars.volume)).toEqual([1, 5, 4, 5]);
  });

  it("hour and multi-hour bars align to New York midnight; a day bar starts at 00:00", () => {
    const ticks = tradeTicksOf("IBM", [
      { time: at("2013-12-02T09:30:00-05:00"), price: 10, size: 1 },
      { time: at("2013-12-02T11:59:00-05:00"), price: 11, size: 1 },
      { time: at("2013-12-02T12:00:00-05:00"), price: 12, size: 1 },
      { time: at("2013-12-03T00:30:00-05:00"), price: 13, size: 1 },
    ]);
    const stamps = (minutes: number) => Array.from(aggregateTicks(ticks, { barMinutes: minutes }).time).map(formatMarketTime);
    expect(stamps(60)).toEqual(["2013-12-02T09:00:00-05:00", "2013-12-02T11:00:00-05:00", "2013-12-02T12:00:00-05:00", "2013-12-03T00:00:00-05:00"]);
    expect(stamps(240)).toEqual(["2013-12-02T08:00:00-05:00", "2013-12-02T12:00:00-05:00", "2013-12-03T00:00:00-05:00"]);
    // 7 hours does not divide the day: the last window of a day ends at midnight.
    expect(stamps(420)).toEqual(["2013-12-02T07:00:00-05:00", "2013-12-03T00:00:00-05:00"]);
    expect(stamps(1440)).toEqual(["2013-12-02T00:00:00-05:00", "2013-12-03T00:00:00-05:00"]);
  });

  it("daylight saving: the repeated 01:00 hour in November makes two bars; stamps always increase", () => {
    // 2013-11-03: 01:30 EDT (05:30Z), then clocks go back, 01:30 EST (06:30Z).
    const fallBack = tradeTicksOf("IBM", [
      { time: Date.UTC(2013, 10, 3, 5, 30), price: 10, size: 1 },
      { time: Date.UTC(2013, 10, 3, 6, 30), price: 11, size: 1 },
      { time: Date.UTC(2013, 10, 3, 7, 30), price: 12, size: 1 },
    ]);
    expect(Array.from(aggregateTicks(fallBack, { barMinutes: 60 }).time).map(formatMarketTime)).toEqual([
      "2013-11-03T01:00:00-04:00",
      "2013-11-03T01:00:00-05:00",
      "2013-11-03T02:00:00-05:00",
    ]);
    // 2014-03-09: 01:59 EST, then 03:00 EDT: inside one 4-hour window (00:00-04:00 wall time).
    const springForward = tradeTicksOf("IBM", [
      { time: Date.UTC(2014, 2, 9, 6, 59), price: 10, size: 1 },
      { time: Date.UTC(2014, 2, 9, 7, 0), price: 11, size: 2 },
      { time: Date.UTC(2014, 2, 9, 8, 0), price: 12, size: 3 },
    ]);
    const bars = aggregateTicks(springForward, { barMinutes: 240 });
    expect(Array.from(bars.time).map(formatMarketTime)).toEqual(["2014-03-09T00:00:00-05:00", "2014-03-09T04:00:00-04:00"]);
    expect(Array.from(bars.volume)).toEqual([3, 3]);
    // Minute bars through both switches: every trade in a bar, stamps strictly increasing.
    for (const day of [Date.UTC(2013, 10, 3, 4), Date.UTC(2014, 2, 9, 5)]) {
      const trades = Array.from({ length: 24 * 12 }, (_, k) => ({ time: day + k * 5 * 60_000 + 1234, price: 10 + k / 100, size: 1 }));
      const minute = aggregateTicks(tradeTicksOf("IBM", trades), { barMinutes: 1 });
      expect(minute.length).toBe(trades.length);
      for (let i = 1; i < minute.length; i++) expect(minute.time[i]!).toBeGreaterThan(minute.time[i - 1]!);
      for (const width of [30, 60, 120]) {
        const wide = aggregateTicks(tradeTicksOf("IBM", trades), { barMinutes: width });
        expect(wide.volume.reduce((a, b) => a + b, 0)).toBe(trades.length);
        for (let i = 1; i < wide.length; i++) expect(wide.time[i]!).toBeGreaterThan(wide.time[i - 1]!);
      }
    }
  });
});

describe("filters", () => {
  const trades = [
    { time: at("2013-10-07T09:30:01-04:00"), price: 10, size: 100, condition: "1" },
    { time: at("2013-10-07T09:30:02-04:00"), price: 99, size: 5, condition: "1", suspicious: true },
    { time: at("2013-10-07T09:30:03-04:00"), price: 11, size: 64, condition: "4000000" },
    { time: at("2013-10-07T09:30:04-04:00"), price: 12, size: 200, condition: "20000020" },
    { time: at("2013-10-07T09:30:05-04:00"), price: 13, size: 0, condition: "1" },
  ];
  const ticks = tradeTicksOf("IBM", trades);

  it("exclude suspicious trades, exclude conditions (exact codes), or a custom rule", () => {
    const all = aggregateTicks(ticks, { barMinutes: 1 });
    expect([all.high[0], all.volume[0]]).toEqual([99, 369]);
    const clean = aggregateTicks(ticks, { barMinutes: 1, excludeSuspicious: true });
    expect([clean.high[0], clean.volume[0]]).toEqual([12, 364]);
    const vendor = aggregateTicks(ticks, { barMinutes: 1, excludeSuspicious: true, excludeConditions: ["4000000", "1000000"] });
    expect([vendor.open[0], vendor.high[0], vendor.close[0], vendor.volume[0]]).toEqual([10, 12, 12, 300]);
    // "2000002" is not "20000020": codes match exactly.
    expect(aggregateTicks(ticks, { barMinutes: 1, excludeConditions: ["2000002"] }).volume[0]).toBe(369);
    const calls: string[] = [];
    const custom = aggregateTicks(ticks, {
      barMinutes: 1,
      exclude: (condition, suspicious) => {
        calls.push(`${condition}/${suspicious}`);
        return condition.startsWith("2");
      },
    });
    expect(custom.volume[0]).toBe(169);
    // Asked once per distinct (condition, suspicious) pair, not per trade.
    expect(new Set(calls).size).toBe(calls.length);
  });

  it("a window whose trades are all filtered out has no bar; size-0 trades make no bar", () => {
    const aggregator = new BarAggregator("IBM", { barMinutes: 1, excludeConditions: ["1"] });
    aggregator.add(at("2013-10-07T09:30:00-04:00"), 10, 100, "1");
    aggregator.add(at("2013-10-07T09:31:00-04:00"), 10, 0, "X");
    aggregator.add(at("2013-10-07T09:32:00-04:00"), 11, 7, "X");
    const bars = aggregator.finish();
    expect(Array.from(bars.minute)).toEqual([572]);
    expect(aggregator.stats).toEqual({ ticks: 3, excluded: 1, zeroSize: 1 });
    expect(new BarAggregator("IBM", { barMinutes: 1 }).finish().length).toBe(0);
  });
});

describe("refusals", () => {
  it("bar widths: positive whole minutes dividing 60 or whole hours up to a day", () => {
    for (const ok of [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 420, 1440]) expect(checkBarMinutes(ok)).toBe(ok);
    for (const bad of [0, -5, 2.5, 7, 45, 90, 1500, Number.NaN, Infinity]) {
      const error = inputErrorOf(() => new BarAggregator("IBM", { barMinutes: bad }));
      expect(error.fix, String(bad)).toContain("divides 60 minutes");
    }
    expect(inputErrorOf(() => checkBarMinutes(7)).problem).toBe("a bar width of 7 minutes does not fit the hour");
    expect(inputErrorOf(() => checkBarMinutes(0)).problem).toContain("positive whole number");
  });

  it("parseBarWidth reads 1m, 5m, 15m, 1h and refuses the rest", () => {
    expect(parseBarWidth("1m")).toBe(1);
    expect(parseBarWidth("5m")).toBe(5);
    expect(parseBarWidth("15m")).toBe(15);
    expect(parseBarWidth("30")).toBe(30);
    expect(parseBarWidth("1h")).toBe(60);
    expect(parseBarWidth("4H")).toBe(240);
    for (const bad of ["7m", "0m", "-5m", "2.5m", "1.5h", "5s", "", "m", "fifteen"]) expect(() => parseBarWidth(bad), bad).toThrow(InputError);
  });

  it("out-of-order, non-finite or non-positive trades name the trade and the times", () => {
    const aggregator = new BarAggregator("IBM", { barMinutes: 1 });
    aggregator.add(at("2013-10-07T09:30:05.000-04:00"), 10, 1);
    const late = inputErrorOf(() => aggregator.add(at("2013-10-07T09:30:04.500-04:00"), 10, 1));
    expect(late.problem).toBe("trade 2: ticks are out of time order: 2013-10-07T09:30:04.500-04:00 comes after 2013-10-07T09:30:05.000-04:00");
    expect(inputErrorOf(() => aggregator.add(at("2013-10-07T09:30:06-04:00"), Number.NaN, 1)).where.field).toBe("price");
    expect(inputErrorOf(() => aggregator.add(at("2013-10-07T09:30:06-04:00"), 0, 1)).where.field).toBe("price");
    expect(inputErrorOf(() => aggregator.add(at("2013-10-07T09:30:06-04:00"), 10, -1)).where.field).toBe("size");
    expect(inputErrorOf(() => aggregator.add(Number.NaN, 10, 1)).where.field).toBe("time");
    // The refused trades left no trace.
    expect(aggregator.current()).toMatchObject({ volume: 1 });
    expect(aggregator.stats.ticks).toBe(1);

    const chunk: TradeTicks = { ...tradeTicksOf("IBM", [{ time: 1_000_000, price: 1, size: 1 }, { time: 2_000_000, price: 1, size: 1 }]) };
    chunk.time[1] = 0;
    expect(inputErrorOf(() => aggregateTicks(chunk, { barMinutes: 1 })).problem).toMatch(/^trade 2: ticks are out of time order/);
  });

  it("ticks of another symbol; adding after finish", () => {
    const aggregator = new BarAggregator("ibm", { barMinutes: 1 });
    expect(aggregator.symbol).toBe("IBM");
    expect(inputErrorOf(() => aggregator.addTicks(tradeTicksOf("SPY", [{ time: 0, price: 1, size: 1 }]))).problem).toContain("of SPY, not IBM");
    aggregator.finish();
    expect(() => aggregator.add(0, 1, 1)).toThrow(/finish\(\) was called/);
  });
});
