/**
 * A market: several series on one timeline. Step t is one instant; a symbol without a bar at that
 * instant has NaN prices there (absent, not a zero-volume bar). A single series is used as is.
 */
import type { BarSeries } from "../data/series";
import type { Instrument } from "../data/symbols";
import { InputError } from "../errors";

export interface Market {
  readonly instruments: readonly Instrument[];
  readonly length: number;
  readonly time: Float64Array;
  readonly day: Int32Array;
  readonly minute: Int16Array;
  /** Per instrument, aligned to the timeline. */
  readonly open: readonly Float64Array[];
  readonly high: readonly Float64Array[];
  readonly low: readonly Float64Array[];
  readonly close: readonly Float64Array[];
  readonly volume: readonly Float64Array[];
}

export function marketOf(series: readonly BarSeries[]): Market {
  if (series.length === 0) throw new InputError("no series to trade", "Load a data file with at least one symbol");
  const symbols = new Set<string>();
  for (const s of series) {
    if (s.length === 0) throw new InputError(`${s.instrument.symbol} has no bars in the chosen range`, "Widen --from/--to or pick another symbol");
    if (symbols.has(s.instrument.symbol)) throw new InputError(`${s.instrument.symbol} appears twice`, "Pass each symbol once");
    symbols.add(s.instrument.symbol);
  }
  if (series.length === 1) {
    const s = series[0]!;
    return {
      instruments: [s.instrument],
      length: s.length,
      time: s.time,
      day: s.day,
      minute: s.minute,
      open: [s.open],
      high: [s.high],
      low: [s.low],
      close: [s.close],
      volume: [s.volume],
    };
  }
  return align(series);
}

function align(series: readonly BarSeries[]): Market {
  // Union of all bar times, then each symbol's bars placed on it.
  const all = new Float64Array(series.reduce((n, s) => n + s.length, 0));
  let k = 0;
  for (const s of series) {
    all.set(s.time, k);
    k += s.length;
  }
  all.sort();
  let unique = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[unique - 1]) all[unique++] = all[i]!;
  const time = all.slice(0, unique);
  const day = new Int32Array(unique);
  const minute = new Int16Array(unique);
  const cols = { open: [] as Float64Array[], high: [] as Float64Array[], low: [] as Float64Array[], close: [] as Float64Array[], volume: [] as Float64Array[] };
  for (const s of series) {
    const placed = { open: new Float64Array(unique).fill(NaN), high: new Float64Array(unique).fill(NaN), low: new Float64Array(unique).fill(NaN), close: new Float64Array(unique).fill(NaN), volume: new Float64Array(unique).fill(NaN) };
    let t = 0;
    for (let i = 0; i < s.length; i++) {
      while (time[t] !== s.time[i]) t++;
      day[t] = s.day[i]!;
      minute[t] = s.minute[i]!;
      placed.open[t] = s.open[i]!;
      placed.high[t] = s.high[i]!;
      placed.low[t] = s.low[i]!;
      placed.close[t] = s.close[i]!;
      placed.volume[t] = s.volume[i]!;
    }
    for (const key of Object.keys(cols) as (keyof typeof cols)[]) cols[key].push(placed[key]);
  }
  return { instruments: series.map((s) => s.instrument), length: unique, time, day, minute, open: cols.open, high: cols.high, low: cols.low, close: cols.close, volume: cols.volume };
}

export function instrumentIndex(market: Market, symbol: string): number {
  return market.instruments.findIndex((i) => i.symbol === symbol);
}
