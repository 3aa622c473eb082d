/** Comparison of a strategy's equity curve with a benchmark's (e.g. buy-and-hold) over the same bars. */

export interface AlphaBeta {
  /** Annualized simple alpha: (mean(r) - beta * mean(b)) * periodsPerYear. */
  alpha: number;
  /** Sensitivity to the benchmark: cov(r, b) / var(b). */
  beta: number;
}

/** Alpha and beta of per-bar simple returns r vs benchmark b: beta = cov(r,b)/var(b) (sample), alpha = (mean(r) - beta*mean(b)) * periodsPerYear; beta 0 and alpha = mean(r) * periodsPerYear when var(b) is 0 or there are fewer than 2 returns. */
export function alphaBeta(
  equity: ArrayLike<number>,
  benchmarkEquity: ArrayLike<number>,
  periodsPerYear: number,
): AlphaBeta {
  if (equity.length !== benchmarkEquity.length) {
    throw new RangeError(
      `alphaBeta needs aligned series: equity has ${equity.length} points but benchmarkEquity has ${benchmarkEquity.length}`,
    );
  }
  const count = equity.length - 1;
  if (count < 1) return { alpha: 0, beta: 0 };
  let sumR = 0;
  let sumB = 0;
  for (let i = 0; i < count; i++) {
    sumR += equity[i + 1] / equity[i] - 1;
    sumB += benchmarkEquity[i + 1] / benchmarkEquity[i] - 1;
  }
  const meanR = sumR / count;
  const meanB = sumB / count;
  if (count < 2) return { alpha: meanR * periodsPerYear, beta: 0 };
  // Corrected two-pass: the deviation sums cancel the rounding error of the first-pass means, and a
  // constant benchmark gets a variance of exactly 0 rather than rounding noise.
  let devR = 0;
  let devB = 0;
  let crossRB = 0;
  let squaresB = 0;
  for (let i = 0; i < count; i++) {
    const dr = equity[i + 1] / equity[i] - 1 - meanR;
    const db = benchmarkEquity[i + 1] / benchmarkEquity[i] - 1 - meanB;
    devR += dr;
    devB += db;
    crossRB += dr * db;
    squaresB += db * db;
  }
  const varianceB = Math.max(0, (squaresB - (devB * devB) / count) / (count - 1));
  if (varianceB === 0) return { alpha: meanR * periodsPerYear, beta: 0 };
  const covariance = (crossRB - (devR * devB) / count) / (count - 1);
  const beta = covariance / varianceB;
  return { alpha: (meanR - beta * meanB) * periodsPerYear, beta };
}
