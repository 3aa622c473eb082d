/** How much of the time and how heavily a strategy was in the market. */

/** Exposure: fraction of points where the gross (absolute) position value is non-zero; 0 for no points. */
export function exposure(positionValues: ArrayLike<number>): number {
  const n = positionValues.length;
  if (n === 0) return 0;
  let invested = 0;
  for (let i = 0; i < n; i++) {
    if (positionValues[i] !== 0) invested++;
  }
  return invested / n;
}

/** Turnover: total traded notional / mean equity; 0 if mean equity is 0 or there is no equity. */
export function turnover(tradedNotional: number, equity: ArrayLike<number>): number {
  const n = equity.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += equity[i];
  }
  const meanEquity = sum / n;
  if (meanEquity === 0) return 0;
  return tradedNotional / meanEquity;
}
