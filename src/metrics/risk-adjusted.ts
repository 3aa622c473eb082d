/**
 * Risk and risk-adjusted return metrics of an equity curve. Returns are computed on the fly from the
 * equity values, so a million-bar curve costs no intermediate array. Risk-free rate and target are 0.
 */

interface Moments {
  mean: number;
  /** Sample standard deviation (n - 1 denominator). */
  std: number;
}

/**
 * Mean and sample standard deviation of the per-bar simple returns, by the corrected two-pass method:
 * subtracting (sum of deviations)^2 / n cancels the rounding error of the first-pass mean, which also
 * makes the deviation of identical returns exactly 0 instead of a tiny value that would blow up a ratio.
 */
function returnMoments(equity: ArrayLike<number>): Moments {
  const count = equity.length - 1;
  if (count < 2) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += equity[i + 1] / equity[i] - 1;
  }
  const mean = sum / count;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < count; i++) {
    const d = equity[i + 1] / equity[i] - 1 - mean;
    squares += d * d;
    deviations += d;
  }
  const variance = Math.max(0, (squares - (deviations * deviations) / count) / (count - 1));
  return { mean, std: Math.sqrt(variance) };
}

/** Annualized volatility: sample standard deviation of the per-bar simple returns x sqrt(periodsPerYear); 0 with fewer than 2 returns. */
export function volatility(equity: ArrayLike<number>, periodsPerYear: number): number {
  return returnMoments(equity).std * Math.sqrt(periodsPerYear);
}

/** Annualized Sharpe ratio: mean / sample standard deviation of the per-bar simple returns x sqrt(periodsPerYear); 0 when the deviation is 0 or with fewer than 2 returns. */
export function sharpe(equity: ArrayLike<number>, periodsPerYear: number): number {
  const { mean, std } = returnMoments(equity);
  if (std === 0) return 0;
  return (mean / std) * Math.sqrt(periodsPerYear);
}

/** Annualized Sortino ratio: mean return / sqrt(sum(min(r, 0)^2) / N) over all N returns x sqrt(periodsPerYear); 0 when that downside deviation is 0. */
export function sortino(equity: ArrayLike<number>, periodsPerYear: number): number {
  const count = equity.length - 1;
  if (count < 1) return 0;
  let sum = 0;
  let downside = 0;
  for (let i = 0; i < count; i++) {
    const r = equity[i + 1] / equity[i] - 1;
    sum += r;
    if (r < 0) downside += r * r;
  }
  if (downside === 0) return 0;
  return (sum / count / Math.sqrt(downside / count)) * Math.sqrt(periodsPerYear);
}

/** Calmar ratio: cagr / maxDrawdown; 0 when maxDrawdown is 0. */
export function calmar(cagrValue: number, maxDrawdownValue: number): number {
  if (maxDrawdownValue === 0) return 0;
  return cagrValue / maxDrawdownValue;
}
