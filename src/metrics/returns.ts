/**
 * Return metrics over an equity curve (one account value per bar). Inputs are `ArrayLike<number>` so the
 * engine can pass its Float64Array columns without copying.
 */

/** Per-bar simple returns, length n-1: r[i] = equity[i+1] / equity[i] - 1. */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const returns = new Float64Array(n > 1 ? n - 1 : 0);
  for (let i = 0; i < returns.length; i++) {
    returns[i] = equity[i + 1] / equity[i] - 1;
  }
  return returns;
}

/** Total return: last / first - 1; 0 for fewer than 2 points. */
export function totalReturn(equity: ArrayLike<number>): number {
  const n = equity.length;
  if (n < 2) return 0;
  return equity[n - 1] / equity[0] - 1;
}

/** Compound annual growth rate: (last / first)^(periodsPerYear / (n - 1)) - 1; 0 for n < 2; -1 if last <= 0. */
export function cagr(equity: ArrayLike<number>, periodsPerYear: number): number {
  const n = equity.length;
  if (n < 2) return 0;
  return annualizedGrowth(equity[0], equity[n - 1], n - 1, periodsPerYear);
}

/** Growth from `start` to `end` over `periods` bars, annualized: (end / start)^(periodsPerYear / periods) - 1; -1 if end <= 0. */
export function annualizedGrowth(start: number, end: number, periods: number, periodsPerYear: number): number {
  if (periods <= 0) return 0;
  // A wiped-out account has lost everything; a fractional power of a negative ratio would be NaN.
  if (end <= 0) return -1;
  return Math.pow(end / start, periodsPerYear / periods) - 1;
}
