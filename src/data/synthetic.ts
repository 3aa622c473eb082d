/**
 * SYNTHETIC market data from a seeded generator, for samples and benchmarks that must run offline.
 * Prices follow a random walk with volatility clustering (GARCH(1,1)-like) and a shared market factor so
 * symbols are correlated; intraday bars have the U-shaped volume of a real session. It is not real data
 * and is labelled as such wherever it is shown.
 */
import { nyLocalToEpoch, parseDay, REGULAR_OPEN_MINUTE } from "./calendar";
import { normalDraws, seededRandom } from "./random";
import type { BarSeries } from "./series";
import { instrumentOf } from "./symbols";
import { InputError } from "../errors";

export interface SyntheticOptions {
  symbols: string[];
  /** First trading day, YYYY-MM-DD (weekends are skipped; holidays are not modelled). */
  start: string;
  /** Bars per symbol. */
  bars: number;
  /** Minutes per bar for intraday data (1, 5, 15, ...), or "daily". */
  interval: number | "daily";
  seed: number;
  startPrice?: number;
  /** Annualized drift and volatility of the market factor. */
  drift?: number;
  volatility?: number;
}

const SESSION_MINUTES = 390;

export function syntheticSeries(options: SyntheticOptions): BarSeries[] {
  const { symbols, bars, interval, seed } = options;
  if (!Number.isInteger(bars) || bars < 1) throw new InputError(`bars is ${bars}`, "Ask for at least one bar", { field: "bars" });
  if (interval !== "daily" && !(Number.isInteger(interval) && interval >= 1 && SESSION_MINUTES % interval === 0)) {
    throw new InputError(`interval ${interval} does not divide a 390-minute session`, "Use 1, 5, 15, 30, 65 or 390 minutes, or daily", { field: "interval" });
  }
  const startDay = parseDay(options.start);
  if (startDay === undefined) throw new InputError(`start "${options.start}" is not a date`, "Use a real date as YYYY-MM-DD, e.g. 2020-01-02", { field: "start" });
  const barsPerDay = interval === "daily" ? 1 : SESSION_MINUTES / interval;
  const periodsPerYear = 252 * barsPerDay;
  const drift = (options.drift ?? 0.07) / periodsPerYear;
  const baseVol = (options.volatility ?? 0.18) / Math.sqrt(periodsPerYear);

  // One timeline for all symbols.
  const time = new Float64Array(bars);
  const day = new Int32Array(bars);
  const minute = new Int16Array(bars);
  const calendarDay = new Date(Date.UTC(Math.floor(startDay / 10000), (Math.floor(startDay / 100) % 100) - 1, startDay % 100));
  for (let i = 0; i < bars; ) {
    const weekday = calendarDay.getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      const y = calendarDay.getUTCFullYear();
      const m = calendarDay.getUTCMonth() + 1;
      const d = calendarDay.getUTCDate();
      const open = nyLocalToEpoch(y, m, d, 9, 30);
      for (let b = 0; b < barsPerDay && i < bars; b++, i++) {
        const offset = interval === "daily" ? 0 : b * interval;
        time[i] = open + offset * 60_000;
        day[i] = y * 10000 + m * 100 + d;
        minute[i] = REGULAR_OPEN_MINUTE + offset;
      }
    }
    calendarDay.setUTCDate(calendarDay.getUTCDate() + 1);
  }

  const normal = normalDraws(seededRandom(seed));
  const factor = new Float64Array(bars);
  for (let i = 0; i < bars; i++) factor[i] = normal();

  return symbols.map((symbol, s) => {
    const noise = normalDraws(seededRandom(seed * 7919 + s + 1));
    const beta = 0.6 + 0.8 * ((s * 0.618034) % 1);
    const open = new Float64Array(bars);
    const high = new Float64Array(bars);
    const low = new Float64Array(bars);
    const close = new Float64Array(bars);
    const volume = new Float64Array(bars);
    let price = (options.startPrice ?? 100) * (1 + 0.5 * ((s * 0.381966) % 1));
    let variance = baseVol * baseVol;
    let shock = 0;
    for (let i = 0; i < bars; i++) {
      // GARCH(1,1): today's variance remembers yesterday's shock, so calm and wild stretches cluster.
      variance = baseVol * baseVol * 0.05 + 0.9 * variance + 0.05 * shock * shock;
      const sigma = Math.sqrt(variance);
      const idiosyncratic = noise();
      shock = sigma * (beta * factor[i]! * 0.7 + idiosyncratic * 0.7);
      const gap = i > 0 && day[i] !== day[i - 1] ? sigma * 0.3 * noise() : 0;
      const o = price * Math.exp(gap);
      const c = o * Math.exp(drift + shock);
      const wick = sigma * Math.abs(noise()) * 0.5;
      open[i] = round(o);
      close[i] = round(c);
      high[i] = round(Math.max(o, c) * Math.exp(wick));
      low[i] = round(Math.min(o, c) * Math.exp(-wick * 0.9));
      const slot = interval === "daily" ? 0.5 : (minute[i]! - REGULAR_OPEN_MINUTE) / SESSION_MINUTES;
      const shape = 1 + 2.5 * (slot - 0.5) * (slot - 0.5) * 4; // U: busy open and close
      volume[i] = Math.round((interval === "daily" ? 2_000_000 : 8_000) * shape * (1 + Math.abs(shock) / sigma));
      price = c;
    }
    return { instrument: instrumentOf(symbol), length: bars, time, day, minute, open, high, low, close, volume };
  });
}

/** Cents, as a real tape would quote them (keeps high >= open/close after rounding). */
function round(price: number): number {
  return Math.round(price * 100) / 100;
}
