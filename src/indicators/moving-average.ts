/**
 * Moving averages over a price series. Outputs are aligned with the input: out[i] uses values up to and
 * including i (never after), and is NaN until the window is full.
 */
import { checkPeriod } from "./period";

/** Simple moving average: the mean of the last `period` values. A NaN inside the window makes it NaN. */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod("sma", period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  // A running sum of the finite values plus a count of the NaNs in the window: a missing bar blanks the
  // windows it is in, then drops out, instead of poisoning every later value.
  let sum = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const entering = values[i]!;
    if (entering === entering) sum += entering;
    else missing++;
    if (i >= period) {
      const leaving = values[i - period]!;
      if (leaving === leaving) sum -= leaving;
      else missing--;
    }
    if (i >= period - 1 && missing === 0) out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the SMA of the first `period`
 * values (so it starts at index period - 1, like most charting packages). It is recursive: a NaN input
 * makes every later value NaN.
 */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod("ema", period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < period) return out;
  let seed = 0;
  for (let i = 0; i < period; i++) seed += values[i]!;
  let average = seed / period;
  out[period - 1] = average;
  const alpha = 2 / (period + 1);
  for (let i = period; i < n; i++) {
    average = alpha * values[i]! + (1 - alpha) * average;
    out[i] = average;
  }
  return out;
}
