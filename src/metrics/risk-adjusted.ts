/**
 * Risk and risk-adjusted return metrics of an equity curve. Returns are computed on the fly from the
 * equity values, so a million-bar curve costs no intermediate array. Risk-free rate and target are 0.
 */

/** What the risk-adjusted ratios are made of: the per-bar simple returns' count, mean and deviations. */
export interface ReturnStatistics {
  count: number;
  mean: number;
  /** Sample standard deviation (n - 1 denominator); 0 with fewer than 2 returns. */
  std: number;
  /** sqrt(sum(min(r, 0)^2) / N) over all N returns (target 0). */
  downsideDeviation: number;
}

/**
 * The statistics of the per-bar simple returns of an equity curve, in two passes over it (a
 * million-bar curve costs no intermediate array). The standard deviation uses the corrected two-pass
 * method: subtracting (sum of deviations)^2 / n cancels the rounding error of the first-pass mean, which
 * also makes the deviation of identical returns exactly 0 instead of a tiny value that would blow up a ratio.
 */
export function returnStatistics(equity: ArrayLike<number>): ReturnStatistics {
  const count = equity.length - 1;
  if (count < 1) return { count: 0, mean: 0, std: 0, downsideDeviation: 0 };
  let sum = 0;
  let downside = 0;
  for (let i = 0; i < count; i++) {
    const r = equity[i + 1] / equity[i] - 1;
    sum += r;
    if (r < 0) downside += r * r;
  }
  const mean = sum / count;
  const downsideDeviation = Math.sqrt(downside / count);
  if (count < 2) return { count, mean, std: 0, downsideDeviation };
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < count; i++) {
    const d = equity[i + 1] / equity[i] - 1 - mean;
    squares += d * d;
    deviations += d;
  }
  const variance = Math.max(0, (squares - (deviations * deviations) / count) / (count - 1));
  return { count, mean, std: Math.sqrt(variance), downsideDeviation };
}

/** Annualized volatility: sample standard deviation of the per-bar simple returns x sqrt(periodsPerYear); 0 with fewer than 2 returns. */
export function volatility(equity: ArrayLike<number>, periodsPerYear: number): number {
  return volatilityOf(returnStatistics(equity), periodsPerYear);
}

/** Annualized Sharpe ratio: mean / sample standard deviation of the per-bar simple returns x sqrt(periodsPerYear); 0 when the deviation is 0 or with fewer than 2 returns. */
export function sharpe(equity: ArrayLike<number>, periodsPerYear: number): number {
  return sharpeOf(returnStatistics(equity), periodsPerYear);
}

/** Annualized Sortino ratio: mean return / sqrt(sum(min(r, 0)^2) / N) over all N returns x sqrt(periodsPerYear); 0 when that downside deviation is 0. */
export function sortino(equity: ArrayLike<number>, periodsPerYear: number): number {
  return sortinoOf(returnStatistics(equity), periodsPerYear);
}

/** `volatility` from statistics already computed (one pass serves all three ratios). */
export function volatilityOf(stats: ReturnStatistics, periodsPerYear: number): number {
  return stats.std * Math.sqrt(periodsPerYear);
}

/** `sharpe` from statistics already computed. */
export function sharpeOf(stats: ReturnStatistics, periodsPerYear: number): number {
  if (stats.std === 0 || stats.count < 2) return 0;
  return (stats.mean / stats.std) * Math.sqrt(periodsPerYear);
}

/** `sortino` from statistics already computed. */
export function sortinoOf(stats: ReturnStatistics, periodsPerYear: number): number {
  if (stats.downsideDeviation === 0) return 0;
  return (stats.mean / stats.downsideDeviation) * Math.sqrt(periodsPerYear);
}

/** Calmar ratio: cagr / maxDrawdown; 0 when maxDrawdown is 0. */
export function calmar(cagrValue: number, maxDrawdownValue: number): number {
  if (maxDrawdownValue === 0) return 0;
  return cagrValue / maxDrawdownValue;
}
