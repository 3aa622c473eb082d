/** Statistics of closed trades, given as one realized profit-and-loss value per trade. */

/** Win rate: fraction of closed trades with pnl > 0; 0 with no trades. */
export function winRate(pnls: ArrayLike<number>): number {
  const n = pnls.length;
  if (n === 0) return 0;
  let wins = 0;
  for (let i = 0; i < n; i++) {
    if (pnls[i] > 0) wins++;
  }
  return wins / n;
}

/** Profit factor: sum of positive pnls / |sum of negative pnls|; Infinity with gains and no losses; 0 with no trades or no gains. */
export function profitFactor(pnls: ArrayLike<number>): number {
  let gains = 0;
  let losses = 0;
  for (let i = 0; i < pnls.length; i++) {
    const pnl = pnls[i];
    if (pnl > 0) gains += pnl;
    else if (pnl < 0) losses -= pnl;
  }
  if (gains === 0) return 0;
  if (losses === 0) return Infinity;
  return gains / losses;
}
