/**
 * US equity trading sessions in New York time, and the bars of one session. Half days and missing
 * minutes are as the data shows them: nothing is filled in.
 */
import { InputError } from "../errors";
import { formatDay } from "./calendar";
import type { BarSeries } from "./series";
import { BarSeriesBuilder } from "./series";

export const SESSIONS = {
  pre: { start: 4 * 60, end: 9 * 60 + 30 },
  regular: { start: 9 * 60 + 30, end: 16 * 60 },
  after: { start: 16 * 60, end: 20 * 60 },
  all: { start: 4 * 60, end: 20 * 60 },
} as const;

export type SessionName = keyof typeof SESSIONS;
export const SESSION_NAMES = Object.keys(SESSIONS) as SessionName[];

/** The bars of `series` on trading day `day` (yyyymmdd) inside the session's window. */
export function sessionBars(series: BarSeries, day: number, session: SessionName): BarSeries {
  const { start, end } = SESSIONS[session];
  let first = -1;
  let last = -1;
  let onDay = 0;
  for (let i = 0; i < series.length; i++) {
    if (series.day[i] !== day) continue;
    onDay++;
    const minute = series.minute[i]!;
    if (minute >= start && minute < end) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const symbol = series.instrument.symbol;
  if (onDay === 0) {
    const days = [...new Set(series.day)].sort((a, b) => a - b);
    const near = days.filter((d) => Math.abs(d - day) < 10000).slice(0, 8).map(formatDay);
    throw new InputError(
      `${symbol} has no bars on ${formatDay(day)}`,
      days.length ? `The data has ${days.length} days (${formatDay(days[0]!)} to ${formatDay(days[days.length - 1]!)})${near.length ? `, e.g. ${near.join(", ")}` : ""}` : "The data holds no bars for it",
      { field: "date" },
    );
  }
  if (first < 0) {
    const present = SESSION_NAMES.filter((name) => name !== "all" && hasBarsIn(series, day, name));
    throw new InputError(
      `${symbol} has no bars in the ${session} session on ${formatDay(day)}`,
      present.length ? `That day has bars in: ${present.join(", ")}; choose one with --session` : "Choose another date",
      { field: "session" },
    );
  }
  // The window is contiguous in a series sorted by time, so a slice of the columns is enough.
  const slice = (column: Float64Array | Int32Array | Int16Array) => column.subarray(first, last + 1);
  return {
    instrument: series.instrument,
    length: last - first + 1,
    time: slice(series.time) as Float64Array,
    day: slice(series.day) as Int32Array,
    minute: slice(series.minute) as Int16Array,
    open: slice(series.open) as Float64Array,
    high: slice(series.high) as Float64Array,
    low: slice(series.low) as Float64Array,
    close: slice(series.close) as Float64Array,
    volume: slice(series.volume) as Float64Array,
  };
}

function hasBarsIn(series: BarSeries, day: number, session: SessionName): boolean {
  const { start, end } = SESSIONS[session];
  for (let i = 0; i < series.length; i++) if (series.day[i] === day && series.minute[i]! >= start && series.minute[i]! < end) return true;
  return false;
}

/**
 * Minute bars combined into `minutes`-wide bars, stamped at their start (09:30, 09:35, ... for 5):
 * first open, highest high, lowest low, last close, summed volume. A bucket with no bars is absent.
 */
export function resampleBars(series: BarSeries, minutes: number): BarSeries {
  if (!Number.isInteger(minutes) || minutes < 1 || (60 % minutes !== 0 && minutes % 60 !== 0)) {
    throw new InputError(`a ${minutes}-minute bar does not divide the hour`, "Use 1, 5, 15, 30 or 60 minutes", { field: "bar" });
  }
  if (minutes === 1) return series;
  const builder = new BarSeriesBuilder(series.instrument, Math.ceil(series.length / minutes) + 1);
  let i = 0;
  while (i < series.length) {
    const day = series.day[i]!;
    const bucket = Math.floor(series.minute[i]! / minutes) * minutes;
    const bar = { time: series.time[i]! - (series.minute[i]! - bucket) * 60_000, day, minute: bucket, open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]!, volume: 0 };
    for (; i < series.length && series.day[i] === day && Math.floor(series.minute[i]! / minutes) * minutes === bucket; i++) {
      if (series.high[i]! > bar.high) bar.high = series.high[i]!;
      if (series.low[i]! < bar.low) bar.low = series.low[i]!;
      bar.close = series.close[i]!;
      bar.volume += series.volume[i]!;
    }
    builder.push(bar);
  }
  return builder.build();
}
