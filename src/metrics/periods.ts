/** Bar-interval inference and the number of bars per year used to annualize metrics. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const TRADING_DAYS_PER_YEAR = 252;
const REGULAR_SESSION_MINUTES = 390;
/** Enough differences for a stable median while keeping the sort cheap on million-bar inputs. */
const MAX_INTERVAL_SAMPLES = 10_000;

/** Bars per year: 12 for bars >= 27 days, 52 for >= 5 days, 252 for >= 20 hours, else 252 * 390 / minutes per bar. */
export function periodsPerYear(intervalMs: number): number {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`periodsPerYear needs a positive, finite bar interval in ms, got ${intervalMs}`);
  }
  if (intervalMs >= 27 * DAY_MS) return 12;
  if (intervalMs >= 5 * DAY_MS) return 52;
  // 20 hours, not 24: daily bars stamped at the New York open shift by an hour across daylight saving.
  if (intervalMs >= 20 * HOUR_MS) return TRADING_DAYS_PER_YEAR;
  return (TRADING_DAYS_PER_YEAR * REGULAR_SESSION_MINUTES) / (intervalMs / MINUTE_MS);
}

/** Median of the positive consecutive differences of times (ms), sampling at most ~10,000 evenly; 0 with fewer than 2 points or none positive. */
export function medianInterval(times: ArrayLike<number>): number {
  const differences = times.length - 1;
  if (differences < 1) return 0;
  const samples = Math.min(differences, MAX_INTERVAL_SAMPLES);
  const step = differences / samples;
  const positive = new Float64Array(samples);
  let count = 0;
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(k * step);
    const difference = times[i + 1] - times[i];
    // Duplicate or out-of-order stamps are not intervals; they would drag the median toward 0.
    if (difference > 0) positive[count++] = difference;
  }
  if (count === 0) return 0;
  const sorted = positive.subarray(0, count).sort();
  const middle = count >> 1;
  return count % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
