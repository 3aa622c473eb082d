/** Momentum indicators: how far and how one-sidedly a price has moved over a lookback. */
import { checkPeriod } from "./period";

/**
 * Relative strength index, 0..100, with Wilder's smoothing: the first average gain and loss are plain
 * means of the first `period` changes, then avg = (previous avg x (period - 1) + today's) / period.
 * Defined from index `period` on (it needs `period` changes). No losses gives 100; no moves at all gives
 * 50 (neither side is stronger). Recursive: a NaN input makes every later value NaN.
 */
export function rsi(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod("rsi", period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = values[i]! - values[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change; // a NaN change lands here, so the averages (and the RSI) become NaN
  }
  gain /= period;
  loss /= period;
  out[period] = strength(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const change = values[i]! - values[i - 1]!;
    const up = change > 0 ? change : change === change ? 0 : NaN;
    const down = change < 0 ? -change : change === change ? 0 : NaN;
    gain = (gain * (period - 1) + up) / period;
    loss = (loss * (period - 1) + down) / period;
    out[i] = strength(gain, loss);
  }
  return out;
}

function strength(gain: number, loss: number): number {
  if (gain !== gain || loss !== loss) return NaN;
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

/**
 * Rate of change over `period` bars as a fraction (0.05 = up 5%): values[i] / values[i - period] - 1.
 * Defined from index `period` on.
 */
export function rateOfChange(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod("rateOfChange", period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = period; i < n; i++) out[i] = values[i]! / values[i - period]! - 1;
  return out;
}
