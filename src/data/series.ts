/**
 * Bars in columns (one typed array per field), the form every feed produces and the run loop reads.
 * Columns keep a million-bar backtest free of per-bar objects.
 */
import { InputError } from "../errors";
import type { Instrument } from "./symbols";
import { instrumentOf } from "./symbols";

export interface BarSeries {
  readonly instrument: Instrument;
  readonly length: number;
  /** Bar start, epoch ms. */
  readonly time: Float64Array;
  /** New York trading date, yyyymmdd. */
  readonly day: Int32Array;
  /** New York minute of day of the bar start. */
  readonly minute: Int16Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** A bar whose only known price is its open: the masked last day of an Alpha Vantage file. */
export interface MaskedBar {
  symbol: string;
  time: number;
  day: number;
  open: number;
}

/** What a feed returns: one series per symbol, where it came from, and anything it set aside. */
export interface DataSet {
  readonly source: string;
  readonly series: BarSeries[];
  readonly masked: MaskedBar[];
}

export interface BarFields {
  time: number;
  day: number;
  minute: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Where a bar came from, so a validation error can point at it. */
export interface BarSource {
  file: string;
  line: number;
}

/**
 * Checks one bar's invariants. Corrupt data is worse than no data: a NaN, a non-positive price, a high
 * below the low or an open/close outside the range stops the load with the file and line.
 */
export function checkBar(bar: BarFields, at: BarSource): void {
  const prices = ["open", "high", "low", "close"] as const;
  for (const field of prices) {
    const value = bar[field];
    if (!Number.isFinite(value)) {
      throw new InputError(`${field} is not a number`, "Fix or remove the row; prices must be finite numbers", { ...at, field });
    }
    if (value <= 0) {
      throw new InputError(`${field} is ${value}, but prices must be positive`, "Fix or remove the row", { ...at, field });
    }
  }
  if (!Number.isFinite(bar.volume) || bar.volume < 0) {
    throw new InputError(`volume is ${bar.volume}`, "Volume must be a number >= 0", { ...at, field: "volume" });
  }
  if (bar.high < bar.low) {
    throw new InputError(`high ${bar.high} is below low ${bar.low}`, "Check the column mapping or fix the row", { ...at, field: "high" });
  }
  const top = Math.max(bar.open, bar.close);
  const bottom = Math.min(bar.open, bar.close);
  if (bar.high < top || bar.low > bottom) {
    throw new InputError(
      `open/close (${bar.open}/${bar.close}) lie outside low-high (${bar.low}-${bar.high})`,
      "Check the column mapping (open, high, low, close) or fix the row",
      { ...at, field: bar.high < top ? "high" : "low" },
    );
  }
}

/** The eight columns of `n` bars, zeroed. */
export function barColumns(n: number) {
  return {
    time: new Float64Array(n),
    day: new Int32Array(n),
    minute: new Int16Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Accumulates validated bars of one symbol, in strictly increasing time. */
export class BarSeriesBuilder {
  private capacity: number;
  private count = 0;
  private lastTime = -Infinity;
  private cols: ReturnType<typeof barColumns>;

  constructor(readonly instrument: Instrument, initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.cols = barColumns(this.capacity);
  }


  get length(): number {
    return this.count;
  }

  /** Adds a bar; `at` makes validation errors point at the source line. */
  push(bar: BarFields, at?: BarSource): void {
    if (at) {
      checkBar(bar, at);
      if (bar.time === this.lastTime) {
        throw new InputError(`duplicate timestamp for ${this.instrument.symbol}`, "Remove the repeated row", { ...at, field: "timestamp" });
      }
      if (bar.time < this.lastTime) {
        throw new InputError(
          `timestamps of ${this.instrument.symbol} are not in ascending order`,
          "Sort the file by symbol, then timestamp",
          { ...at, field: "timestamp" },
        );
      }
    }
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    const c = this.cols;
    c.time[i] = bar.time;
    c.day[i] = bar.day;
    c.minute[i] = bar.minute;
    c.open[i] = bar.open;
    c.high[i] = bar.high;
    c.low[i] = bar.low;
    c.close[i] = bar.close;
    c.volume[i] = bar.volume;
    this.lastTime = bar.time;
  }

  private grow(): void {
    const next = barColumns(this.capacity * 2);
    for (const key of Object.keys(next) as (keyof typeof next)[]) {
      (next[key] as Float64Array).set(this.cols[key] as Float64Array);
    }
    this.cols = next;
    this.capacity *= 2;
  }

  build(): BarSeries {
    const n = this.count;
    const c = this.cols;
    return {
      instrument: this.instrument,
      length: n,
      time: c.time.slice(0, n),
      day: c.day.slice(0, n),
      minute: c.minute.slice(0, n),
      open: c.open.slice(0, n),
      high: c.high.slice(0, n),
      low: c.low.slice(0, n),
      close: c.close.slice(0, n),
      volume: c.volume.slice(0, n),
    };
  }
}

/** Builds a series from plain bar objects (tests, notebooks, small hand-made data). */
export function seriesFromBars(symbol: string, bars: BarFields[], source = "bars"): BarSeries {
  const builder = new BarSeriesBuilder(instrumentOf(symbol), bars.length);
  bars.forEach((bar, index) => builder.push(bar, { file: source, line: index + 1 }));
  return builder.build();
}

/** The bars of a series whose trading day lies in [fromDay, toDay] (yyyymmdd, inclusive). */
export function sliceByDay(series: BarSeries, fromDay = 0, toDay = 99999999): BarSeries {
  let start = 0;
  while (start < series.length && series.day[start]! < fromDay) start++;
  let end = start;
  while (end < series.length && series.day[end]! <= toDay) end++;
  if (start === 0 && end === series.length) return series;
  return {
    instrument: series.instrument,
    length: end - start,
    time: series.time.subarray(start, end),
    day: series.day.subarray(start, end),
    minute: series.minute.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  };
}
