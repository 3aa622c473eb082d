/** Rolling volatility of a price series, per bar (not annualized: the caller knows the bar interval). */
import { checkPeriod } from "./period";

/**
 * The sample standard deviation (n - 1 denominator) of the last `period` simple returns
 * r[j] = values[j] / values[j - 1] - 1. Defined from index `period` on (it needs period + 1 prices);
 * period must be at least 2, since one return has no sample deviation.
 */
export function rollingVolatility(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod("rollingVolatility", period, 2);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  const returns = new Float64Array(n);
  for (let j = 1; j < n; j++) returns[j] = values[j]! / values[j - 1]! - 1;
  // Two passes per window (mean, then squared deviations): exact for tiny per-minute returns, where a
  // running sum of squares would drift over a long series.
  for (let i = period; i < n; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += returns[j]!;
    const mean = sum / period;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const d = returns[j]! - mean;
      squares += d * d;
    }
    out[i] = Math.sqrt(squares / (period - 1));
  }
  return out;
}
