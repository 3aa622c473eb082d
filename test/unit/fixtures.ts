// Small hand-made bar series for unit tests.
import type { BarFields, BarSeries } from "../../src/data/series";
import { seriesFromBars } from "../../src/data/series";

const DAY_MS = 86_400_000;

/** Daily bars from (open, high, low, close) tuples, one weekday-agnostic day apart starting 2020-01-01. */
export function dailyBars(symbol: string, prices: [number, number, number, number][]): BarSeries {
  const start = Date.UTC(2020, 0, 1, 14, 30);
  const bars: BarFields[] = prices.map(([open, high, low, close], i) => {
    const date = new Date(start + i * DAY_MS);
    return {
      time: start + i * DAY_MS,
      day: date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate(),
      minute: 570,
      open,
      high,
      low,
      close,
      volume: 1000,
    };
  });
  return seriesFromBars(symbol, bars);
}

/** Daily bars whose open = high = low = close. */
export function flatBars(symbol: string, closes: number[]): BarSeries {
  return dailyBars(symbol, closes.map((c) => [c, c, c, c]));
}

/** Minute bars of one session day, starting at `startMinute` (New York). */
export function minuteBars(symbol: string, closes: number[], day = 20200102, startMinute = 570): BarSeries {
  const y = Math.floor(day / 10000);
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  const base = Date.UTC(y, m - 1, d, 5, 0); // New York midnight in winter (UTC-5)
  return seriesFromBars(
    symbol,
    closes.map((c, i) => ({ time: base + (startMinute + i) * 60_000, day, minute: startMinute + i, open: c, high: c, low: c, close: c, volume: 100 })),
  );
}
