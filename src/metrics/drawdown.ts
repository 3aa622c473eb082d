/**
 * Drawdowns of an equity curve: how far each point sits below the highest value seen so far, as a
 * positive fraction of that peak. Equity is expected to be positive.
 */

/** The deepest drawdown: where it started, bottomed and recovered. */
export interface DrawdownWindow {
  /** Index of the peak the drawdown is measured from (its last visit before the trough); -1 if there is no drawdown. */
  peakIndex: number;
  /** Index of the deepest point; -1 if there is no drawdown. */
  troughIndex: number;
  /** First index after the trough at or above the peak value; -1 if never recovered or no drawdown. */
  recoveryIndex: number;
  /** 1 - trough / peak; equals maxDrawdown. */
  depth: number;
}

/** Maximum drawdown: max over t of 1 - equity[t] / max(equity[0..t]), a positive fraction; 0 if never below a previous peak. */
export function maxDrawdown(equity: ArrayLike<number>): number {
  const n = equity.length;
  let peak = n > 0 ? equity[0] : 0;
  let worst = 0;
  for (let i = 1; i < n; i++) {
    const value = equity[i];
    if (value >= peak) {
      peak = value;
    } else {
      const drawdown = 1 - value / peak;
      if (drawdown > worst) worst = drawdown;
    }
  }
  return worst;
}

/** Drawdown at every point: d[t] = 1 - equity[t] / max(equity[0..t]), same length as equity. */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const series = new Float64Array(n);
  let peak = n > 0 ? equity[0] : 0;
  for (let i = 1; i < n; i++) {
    const value = equity[i];
    if (value >= peak) {
      peak = value;
    } else {
      series[i] = 1 - value / peak;
    }
  }
  return series;
}

/** Peak, trough and recovery indices and depth of the maximum drawdown (first one on ties); indices -1 and depth 0 when there is none. */
export function maxDrawdownWindow(equity: ArrayLike<number>): DrawdownWindow {
  const n = equity.length;
  if (n === 0) return { peakIndex: -1, troughIndex: -1, recoveryIndex: -1, depth: 0 };
  let peak = equity[0];
  let peakAt = 0;
  let depth = 0;
  let peakIndex = -1;
  let troughIndex = -1;
  for (let i = 1; i < n; i++) {
    const value = equity[i];
    // ">=" moves the peak to its latest visit, so a drawdown that already recovered once is not
    // reported as starting from the earlier, unrelated top.
    if (value >= peak) {
      peak = value;
      peakAt = i;
    } else {
      const drawdown = 1 - value / peak;
      if (drawdown > depth) {
        depth = drawdown;
        peakIndex = peakAt;
        troughIndex = i;
      }
    }
  }
  let recoveryIndex = -1;
  if (troughIndex >= 0) {
    const peakValue = equity[peakIndex];
    for (let i = troughIndex + 1; i < n; i++) {
      if (equity[i] >= peakValue) {
        recoveryIndex = i;
        break;
      }
    }
  }
  return { peakIndex, troughIndex, recoveryIndex, depth };
}
