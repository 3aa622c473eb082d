/**
 * Trade ticks into OHLCV bars, streaming: ticks go in one at a time or a chunk at a time, and the
 * aggregator holds only the bar in progress and the growing output columns, never the ticks.
 *
 * Bars are stamped at their START in New York time and cover [start, start + width): the 5-minute bar
 * of 09:35 holds the trades of 09:35:00.000-09:39:59.999. Bars are aligned to New York midnight, so
 * the width must divide 60 minutes (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) or be whole hours up to a
 * day. A minute (or bar) without a trade has no bar: no zero-volume bars are made up.
 *
 * The only costly step, turning an instant into a New York bucket (daylight saving included), runs
 * once per New York day: each bar knows the instant it ends, a trade before it just updates high,
 * low, close and volume, and the next bar's bucket is counted from the day's cached midnight.
 */
import { InputError } from "../errors";
import { marketTimeOf, nyOffsetMinutes } from "./calendar";
import type { BarFields, BarSeries } from "./series";
import { checkBar, barColumns } from "./series";
import type { Instrument } from "./symbols";
import { instrumentOf } from "./symbols";
import type { TradeTicks } from "./ticks";
import { formatTickTime } from "./ticks";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MAX_TIME = 8.64e15;

export interface AggregateOptions {
  /** Bar width in minutes: a divisor of 60 or a multiple of 60 up to 1440. */
  barMinutes: number;
  /** Drop trades the vendor flagged as suspicious. */
  excludeSuspicious?: boolean;
  /** Drop trades whose sale condition is one of these codes (matched exactly, as written in the file). */
  excludeConditions?: readonly string[];
  /**
   * Drop a trade when this returns true. It must depend only on its arguments: it is called once per
   * distinct (condition, suspicious) pair and the answer is remembered.
   */
  exclude?: (condition: string, suspicious: boolean) => boolean;
  /** Names the input in error messages (e.g. the tick file). Default: "ticks of SYMBOL". */
  source?: string;
}

/** What went in: trades added, dropped by the filters, and of size 0 (which move no shares and make no bar). */
export interface AggregateStats {
  ticks: number;
  excluded: number;
  zeroSize: number;
}

const DIVISORS_OF_60 = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];

/** Checks a bar width in minutes; returns it. */
export function checkBarMinutes(minutes: number): number {
  const fix = `Use a width that divides 60 minutes (${DIVISORS_OF_60.join(", ")}) or whole hours up to 24 (60, 120, ..., 1440)`;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes <= 0) {
    throw new InputError(`the bar width must be a positive whole number of minutes, not ${String(minutes)}`, fix, { field: "barMinutes" });
  }
  if (60 % minutes !== 0 && !(minutes % 60 === 0 && minutes <= 1440)) {
    throw new InputError(`a bar width of ${minutes} minutes does not fit the hour`, fix, { field: "barMinutes" });
  }
  return minutes;
}

/** Parses a bar width as written on a command line: `1m`, `5m`, `15m`, `30m`, `1h`, `4h` (or plain minutes, `5`). */
export function parseBarWidth(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h)?\s*$/i.exec(text);
  const fix = "Give minutes or hours, e.g. 1m, 5m, 15m, 1h; a width must divide the hour or be whole hours";
  if (!match) throw new InputError(`bar width "${text}" is not a width like 1m, 5m, 15m or 1h`, fix);
  const value = Number(match[1]);
  const minutes = match[2]?.toLowerCase() === "h" ? value * 60 : value;
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw new InputError(`bar width "${text}" must be a positive whole number of minutes`, fix);
  }
  if (60 % minutes !== 0 && !(minutes % 60 === 0 && minutes <= 1440)) {
    throw new InputError(`bar width "${text}" (${minutes} minutes) does not fit the hour`, fix);
  }
  return minutes;
}

// The aggregator's numbers (the bar in progress, counters, the cached day) live in one Float64Array and
// its output in another, 8 numbers a bar, so the hot loop (`aggregateRun`) is a free function over
// typed arrays only. That is what keeps it fast from one aggregator to the next: optimized code that
// touches an object checks the object's hidden class, and V8 throws that code away when a GC finds no
// object of the class alive (every fresh aggregator would run unoptimized for a while).
const OPEN = 0;
const HIGH = 1;
const LOW = 2;
const CLOSE = 3;
const VOLUME = 4;
/** Start of the bar in progress (UTC ms), NaN when there is none. */
const START = 5;
/** Trades before this instant belong to the bar in progress; -Infinity sends every trade to `roll`. */
const END = 6;
/** The bar's New York bucket: local wall time counted as if it were UTC, ms. */
const LOCAL = 7;
/** yyyymmdd and minute of day of the bar in progress. */
const BAR_DAY = 8;
const BAR_MINUTE = 9;
const LAST_TIME = 10;
const TICKS = 11;
const EXCLUDED = 12;
const ZERO_SIZE = 13;
/** The New York day of the last bar opened, if the clocks do not change that day: its start and end (UTC ms), offset (ms), yyyymmdd. */
const DAY_FROM = 14;
const DAY_TO = 15;
const DAY_OFFSET = 16;
const DAY_KEY = 17;
/** Bars written to the output. */
const BARS = 18;
const STATE_SIZE = 19;
/** Numbers per output bar: time, day, minute, open, high, low, close, volume. */
const STRIDE = 8;

/**
 * The hot loop over trades [from, n). Consumes every trade that is valid and filtered out, of size 0,
 * inside the bar in progress, or the first of a new bar on the cached (ordinary) day while the output
 * has room. Returns the index of the first trade it leaves to the caller (n when none): a bad trade,
 * the first trade of a new day, the very first bar, or a full output.
 */
function aggregateRun(
  state: Float64Array,
  out: Float64Array,
  width: number,
  time: Float64Array,
  price: Float64Array,
  size: Float64Array,
  condition: Int32Array,
  suspicious: Uint8Array,
  mask: Uint8Array | undefined,
  from: number,
  n: number,
): number {
  let last = state[LAST_TIME]!;
  let end = state[END]!;
  let h = state[HIGH]!;
  let l = state[LOW]!;
  let c = state[CLOSE]!;
  let v = state[VOLUME]!;
  const dayFrom = state[DAY_FROM]!;
  const dayTo = state[DAY_TO]!;
  let excluded = 0;
  let zero = 0;
  let i = from;
  for (; i < n; i++) {
    const t = time[i]!;
    const p = price[i]!;
    const s = size[i]!;
    if (!(t >= last && t <= MAX_TIME && p > 0 && p < Infinity && s >= 0 && s < Infinity)) break;
    if (mask !== undefined && mask[(condition[i]! << 1) | (suspicious[i] === 0 ? 0 : 1)] !== 0) {
      excluded++;
    } else if (s === 0) {
      zero++;
    } else if (t < end) {
      if (p > h) h = p;
      if (p < l) l = p;
      c = p;
      v += s;
    } else {
      // A new bar on the cached day: close the one in progress into the output, open the next.
      if (!(t >= dayFrom && t < dayTo)) break;
      const bars = state[BARS]!;
      const at = bars * STRIDE;
      const o = state[OPEN]!;
      const start = state[START]!;
      // No bar yet (start NaN), no room, or a bar that fails its checks: the caller's slower path.
      if (!(at + STRIDE <= out.length && l > 0 && h < Infinity && l <= o && o <= h && l <= c && c <= h && v < Infinity)) break;
      const offset = state[DAY_OFFSET]!;
      const midnight = dayFrom + offset;
      const bucket = midnight + Math.floor((t + offset - midnight) / width) * width;
      const next = bucket - offset;
      if (!(next > start)) break;
      out[at] = start;
      out[at + 1] = state[BAR_DAY]!;
      out[at + 2] = state[BAR_MINUTE]!;
      out[at + 3] = o;
      out[at + 4] = h;
      out[at + 5] = l;
      out[at + 6] = c;
      out[at + 7] = v;
      state[BARS] = bars + 1;
      end = Math.min(bucket + width, midnight + DAY) - offset;
      state[START] = next;
      state[END] = end;
      state[LOCAL] = bucket;
      state[BAR_DAY] = state[DAY_KEY]!;
      state[BAR_MINUTE] = (bucket - midnight) / MINUTE;
      state[OPEN] = p;
      h = p;
      l = p;
      c = p;
      v = s;
    }
    last = t;
  }
  state[HIGH] = h;
  state[LOW] = l;
  state[CLOSE] = c;
  state[VOLUME] = v;
  state[LAST_TIME] = last;
  state[TICKS] += i - from;
  state[EXCLUDED] += excluded;
  state[ZERO_SIZE] += zero;
  return i;
}

/**
 * Streaming tick-to-bar aggregation for one symbol. `add` takes one trade, `addTicks` a chunk of
 * columns (the fast path); both check every trade (finite time in order, price > 0, size >= 0) and
 * throw an InputError naming the trade otherwise. `finish` closes the last bar and returns the bars.
 */
export class BarAggregator {
  readonly symbol: string;
  readonly barMinutes: number;
  private readonly instrument: Instrument;
  private readonly width: number;
  private readonly source: string;
  private readonly filter: ((condition: string, suspicious: boolean) => boolean) | undefined;
  private readonly decisions = new Map<string, boolean>();
  private readonly state = new Float64Array(STATE_SIZE);
  /** The bars so far, STRIDE numbers each; doubles when full. */
  private out = new Float64Array(256 * STRIDE);
  private finished = false;

  constructor(symbol: string, options: AggregateOptions) {
    const instrument = instrumentOf(symbol);
    if (instrument.symbol === "") throw new InputError("the symbol is empty", "Give the symbol the ticks are of, e.g. IBM", { field: "symbol" });
    this.instrument = instrument;
    this.symbol = instrument.symbol;
    this.barMinutes = checkBarMinutes(options.barMinutes);
    this.width = this.barMinutes * MINUTE;
    this.source = options.source ?? `ticks of ${this.symbol}`;
    const conditions = new Set(options.excludeConditions ?? []);
    const suspicious = options.excludeSuspicious === true;
    const custom = options.exclude;
    this.filter =
      conditions.size > 0 || suspicious || custom
        ? (condition, isSuspicious) => (suspicious && isSuspicious) || conditions.has(condition) || (custom !== undefined && custom(condition, isSuspicious) === true)
        : undefined;
    const state = this.state;
    state[START] = Number.NaN;
    state[END] = -Infinity;
    state[LAST_TIME] = -Infinity;
    state[DAY_FROM] = Number.NaN;
    state[DAY_TO] = Number.NaN;
  }

  /** Closed bars so far (the bar in progress not counted). */
  get barCount(): number {
    return this.state[BARS]!;
  }

  /** The bar in progress, if any: the only per-bar state the aggregator keeps besides its output. */
  current(): BarFields | undefined {
    return Number.isNaN(this.state[START]!) ? undefined : this.barInProgress();
  }

  private barInProgress(): BarFields {
    const state = this.state;
    return {
      time: state[START]!,
      day: state[BAR_DAY]!,
      minute: state[BAR_MINUTE]!,
      open: state[OPEN]!,
      high: state[HIGH]!,
      low: state[LOW]!,
      close: state[CLOSE]!,
      volume: state[VOLUME]!,
    };
  }

  get stats(): AggregateStats {
    const state = this.state;
    return { ticks: state[TICKS]!, excluded: state[EXCLUDED]!, zeroSize: state[ZERO_SIZE]! };
  }

  private excluded(condition: string, suspicious: boolean): boolean {
    const key = suspicious ? `1${condition}` : `0${condition}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = this.filter!(condition, suspicious);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private checkOpen(): void {
    if (this.finished) throw new Error("BarAggregator: finish() was called; make a new aggregator for more ticks");
  }

  private tickError(index: number, time: number, price: number, size: number): InputError {
    const at = { file: this.source, line: index };
    const where = `trade ${index}`;
    const last = this.state[LAST_TIME]!;
    if (!(time >= -MAX_TIME && time <= MAX_TIME)) {
      return new InputError(`${where}: time ${time} is not a valid epoch-ms instant`, "Give trade times in epoch milliseconds", { ...at, field: "time" });
    }
    if (time < last) {
      return new InputError(
        `${where}: ticks are out of time order: ${formatTickTime(time)} comes after ${formatTickTime(last)}`,
        "Sort the ticks by time",
        { ...at, field: "time" },
      );
    }
    if (!(price > 0 && price < Infinity)) {
      return new InputError(`${where}: price is ${price}, but a trade price must be a positive number`, "Fix or drop the trade", { ...at, field: "price" });
    }
    return new InputError(`${where}: size is ${size}, but a trade size must be a number >= 0`, "Fix or drop the trade", { ...at, field: "size" });
  }

  /** Adds one trade. `condition` and `suspicious` matter only to the filters. */
  add(time: number, price: number, size: number, condition = "", suspicious: boolean | number = false): void {
    this.checkOpen();
    const state = this.state;
    if (!(time >= state[LAST_TIME]! && time <= MAX_TIME && price > 0 && price < Infinity && size >= 0 && size < Infinity)) {
      throw this.tickError(state[TICKS]! + 1, time, price, size);
    }
    state[LAST_TIME] = time;
    state[TICKS]++;
    if (this.filter !== undefined && this.excluded(condition, suspicious === true || suspicious === 1)) {
      state[EXCLUDED]++;
      return;
    }
    if (size === 0) {
      state[ZERO_SIZE]++;
      return;
    }
    if (time < state[END]!) {
      if (price > state[HIGH]!) state[HIGH] = price;
      if (price < state[LOW]!) state[LOW] = price;
      state[CLOSE] = price;
      state[VOLUME] += size;
    } else {
      this.roll(time, price, size);
    }
  }

  /** Adds a chunk of trades (the aggregator keeps no reference to it). */
  addTicks(ticks: TradeTicks): void {
    this.checkOpen();
    if (instrumentOf(ticks.symbol).symbol !== this.symbol) {
      throw new InputError(`these ticks are of ${ticks.symbol}, not ${this.symbol}`, "Aggregate each symbol with its own BarAggregator", { file: this.source, field: "symbol" });
    }
    const n = ticks.length;
    const { time, price, size, condition, suspicious } = ticks;
    const mask = this.filter === undefined ? undefined : this.maskFor(ticks.conditions);
    const state = this.state;
    let i = 0;
    while (i < n) {
      i = aggregateRun(state, this.out, this.width, time, price, size, condition, suspicious, mask, i, n);
      if (i === n) break;
      // Left to this slower path: a bad trade (an error), or the first trade of a bar the loop does
      // not open itself (first bar, new day, full output). It is valid, kept and not of size 0.
      const t = time[i]!;
      const p = price[i]!;
      const s = size[i]!;
      if (!(t >= state[LAST_TIME]! && t <= MAX_TIME && p > 0 && p < Infinity && s >= 0 && s < Infinity)) {
        throw this.tickError(state[TICKS]! + 1, t, p, s);
      }
      state[LAST_TIME] = t;
      state[TICKS]++;
      this.roll(t, p, s);
      i++;
    }
  }

  /** 1 where (condition index, suspicious) is excluded: index (condition << 1) | suspicious. Unknown indices count as excluded. */
  private maskFor(conditions: readonly string[]): Uint8Array {
    const mask = new Uint8Array(conditions.length * 2 + 2).fill(1);
    conditions.forEach((code, index) => {
      mask[index << 1] = this.excluded(code, false) ? 1 : 0;
      mask[(index << 1) | 1] = this.excluded(code, true) ? 1 : 0;
    });
    return mask;
  }

  /** Caches the New York day of an instant: where it starts and ends, its offset and yyyymmdd, unless the clocks change that day. */
  private newDay(time: number): void {
    const state = this.state;
    const offset = nyOffsetMinutes(time) * MINUTE;
    const midnight = Math.floor((time + offset) / DAY) * DAY;
    const from = midnight - offset;
    const to = midnight + DAY - offset;
    const ordinary = nyOffsetMinutes(from) * MINUTE === offset && nyOffsetMinutes(to - 1) * MINUTE === offset;
    const date = new Date(midnight);
    state[DAY_FROM] = from;
    // A day with a clock change never matches: its trades take the general path in `roll`.
    state[DAY_TO] = ordinary ? to : from;
    state[DAY_OFFSET] = offset;
    state[DAY_KEY] = date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  }

  /** A trade at or after the bar's end: a new bar, or (the day the clocks go forward) the same one. */
  private roll(time: number, price: number, size: number): void {
    const state = this.state;
    const width = this.width;
    if (!(time >= state[DAY_FROM]! && time < state[DAY_TO]!)) this.newDay(time);
    let start: number;
    let end: number;
    let bucket: number;
    let day: number;
    let minute: number;
    if (time >= state[DAY_FROM]! && time < state[DAY_TO]!) {
      // An ordinary day: one offset, buckets counted from its midnight.
      const offset = state[DAY_OFFSET]!;
      const midnight = state[DAY_FROM]! + offset;
      bucket = midnight + Math.floor((time + offset - midnight) / width) * width;
      start = bucket - offset;
      end = Math.min(bucket + width, midnight + DAY) - offset;
      day = state[DAY_KEY]!;
      minute = (bucket - midnight) / MINUTE;
    } else {
      // The day the clocks change: every bar-opening trade comes here, with its own offset.
      const offset = nyOffsetMinutes(time) * MINUTE;
      const local = time + offset;
      const midnight = Math.floor(local / DAY) * DAY;
      bucket = midnight + Math.floor((local - midnight) / width) * width;
      start = bucket - offset;
      if (!Number.isNaN(state[START]!) && bucket === state[LOCAL] && start <= state[START]!) {
        // Clocks went forward inside this bar: the trade belongs to it (starts must increase).
        if (price > state[HIGH]!) state[HIGH] = price;
        if (price < state[LOW]!) state[LOW] = price;
        state[CLOSE] = price;
        state[VOLUME] += size;
        return;
      }
      // No fast window on this day: the next trade comes back here.
      end = -Infinity;
      const stamp = marketTimeOf(start);
      day = stamp.day;
      minute = stamp.minute;
    }
    if (!Number.isNaN(state[START]!)) this.closeBar();
    state[LOCAL] = bucket;
    state[START] = start;
    state[END] = end;
    state[BAR_DAY] = day;
    state[BAR_MINUTE] = minute;
    state[OPEN] = price;
    state[HIGH] = price;
    state[LOW] = price;
    state[CLOSE] = price;
    state[VOLUME] = size;
  }

  /** Writes the bar in progress to the output, checked like a bar read from a file. */
  private closeBar(): void {
    const state = this.state;
    const bars = state[BARS]!;
    const bar = this.barInProgress();
    // Finite positive prices, low <= open/close <= high, volume >= 0, increasing stamps: true by
    // construction, verified anyway.
    const at = { file: `${this.source} (bars)`, line: bars + 1 };
    checkBar(bar, at);
    if (bars > 0 && !(bar.time > this.out[(bars - 1) * STRIDE]!)) {
      throw new InputError(`bar ${bars + 1} does not start after the previous bar`, "This is a bug in the aggregation: please report it", at);
    }
    let out = this.out;
    if ((bars + 1) * STRIDE > out.length) {
      out = new Float64Array(out.length * 2);
      out.set(this.out);
      this.out = out;
    }
    const k = bars * STRIDE;
    out[k] = bar.time;
    out[k + 1] = bar.day;
    out[k + 2] = bar.minute;
    out[k + 3] = bar.open;
    out[k + 4] = bar.high;
    out[k + 5] = bar.low;
    out[k + 6] = bar.close;
    out[k + 7] = bar.volume;
    state[BARS] = bars + 1;
  }

  /** Closes the bar in progress and returns every bar (possibly none). The aggregator is done after this. */
  finish(): BarSeries {
    this.checkOpen();
    const state = this.state;
    if (!Number.isNaN(state[START]!)) this.closeBar();
    state[START] = Number.NaN;
    this.finished = true;
    const n = state[BARS]!;
    const out = this.out;
    const series = { instrument: this.instrument, length: n, ...barColumns(n) };
    for (let i = 0, k = 0; i < n; i++, k += STRIDE) {
      series.time[i] = out[k]!;
      series.day[i] = out[k + 1]!;
      series.minute[i] = out[k + 2]!;
      series.open[i] = out[k + 3]!;
      series.high[i] = out[k + 4]!;
      series.low[i] = out[k + 5]!;
      series.close[i] = out[k + 6]!;
      series.volume[i] = out[k + 7]!;
    }
    this.out = new Float64Array(0);
    return series;
  }
}

/** Aggregates trades (one TradeTicks, or chunks of one symbol, e.g. from readTickChunks) into bars. */
export function aggregateTicks(ticks: TradeTicks | Iterable<TradeTicks>, options: AggregateOptions & { symbol?: string }): BarSeries {
  if (isTradeTicks(ticks)) {
    const aggregator = new BarAggregator(options.symbol ?? ticks.symbol, options);
    aggregator.addTicks(ticks);
    return aggregator.finish();
  }
  let aggregator: BarAggregator | undefined = options.symbol === undefined ? undefined : new BarAggregator(options.symbol, options);
  for (const chunk of ticks) {
    aggregator ??= new BarAggregator(chunk.symbol, options);
    aggregator.addTicks(chunk);
  }
  if (!aggregator) throw new InputError("no ticks to aggregate", "Give at least one chunk of trades", { field: "ticks" });
  return aggregator.finish();
}

function isTradeTicks(value: TradeTicks | Iterable<TradeTicks>): value is TradeTicks {
  return (value as TradeTicks).time instanceof Float64Array;
}
