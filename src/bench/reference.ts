/**
 * The benchmark's reference: sma-cross written as one tight loop over typed arrays, with the same rules
 * and the same floating-point operations as the engine (rolling sums with periodic re-sync, tie
 * tolerance, all-cash sizing, commission on notional). The engine must match it bit for bit; the speed
 * ratio between the two is the engine's overhead (broker, portfolio, risk guard, view).
 */
import { annualizedGrowth, maxDrawdown, returnStatistics, sharpeOf, sortinoOf } from "../metrics/index";
import { compareSma, SMA_RESYNC_BARS } from "../strategy/sma-cross";

export interface ReferenceInput {
  open: Float64Array;
  close: Float64Array;
  fast: number;
  slow: number;
  cash: number;
  commission: number;
  fractional: boolean;
  periodsPerYear: number;
}

/** The fields `aibt backtest --json` must report, computed by the reference. */
export interface ReferenceResult {
  bars: number;
  fills: number;
  roundTrips: number;
  finalEquity: number;
  totalReturn: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  cagr: number;
  winRate: number;
  profitFactor: number;
  exposure: number;
}

export function referenceSmaCross(input: ReferenceInput): ReferenceResult {
  const { open, close, fast, slow, commission, fractional } = input;
  const n = close.length;
  const equity = new Float64Array(n);
  let cash = input.cash;
  let shares = 0;
  let pendingBuy = false;
  let pendingSell = false;
  let fills = 0;
  let roundTrips = 0;
  let entryCost = 0;
  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let barsInMarket = 0;
  let fastSum = 0;
  let slowSum = 0;
  let previous = 0;
  for (let t = 0; t < n; t++) {
    // Orders from bar t-1 fill at this bar's open.
    if (pendingBuy) {
      pendingBuy = false;
      const price = open[t]!;
      let quantity = cash / (price * (1 + commission));
      if (!fractional) quantity = Math.floor(quantity);
      if (quantity > 0) {
        const notional = quantity * price;
        const fee = quantity * price * commission;
        cash -= notional + fee;
        entryCost = notional + fee;
        shares = quantity;
        fills++;
      }
    } else if (pendingSell) {
      pendingSell = false;
      const price = open[t]!;
      const notional = shares * price;
      const proceeds = notional - shares * price * commission;
      cash += proceeds;
      const pnl = proceeds - entryCost;
      if (pnl > 0) {
        wins++;
        grossProfit += pnl;
      } else if (pnl < 0) grossLoss -= pnl;
      shares = 0;
      fills++;
      roundTrips++;
    }
    const c = close[t]!;
    const seen = t + 1;
    if (seen % SMA_RESYNC_BARS === 0 && seen >= slow) {
      fastSum = 0;
      for (let i = t - fast + 1; i <= t; i++) fastSum += close[i]!;
      slowSum = 0;
      for (let i = t - slow + 1; i <= t; i++) slowSum += close[i]!;
    } else {
      fastSum += c;
      slowSum += c;
      if (seen > fast) fastSum -= close[t - fast]!;
      if (seen > slow) slowSum -= close[t - slow]!;
    }
    if (seen >= slow) {
      const now = compareSma(fastSum / fast, slowSum / slow);
      if (seen > slow && t + 1 < n) {
        if (previous <= 0 && now > 0 && shares === 0) pendingBuy = true;
        else if (previous >= 0 && now < 0 && shares > 0) pendingSell = true;
      }
      previous = now;
    }
    if (shares !== 0) barsInMarket++;
    equity[t] = cash + (shares === 0 ? 0 : shares * c);
  }
  const finalEquity = n > 0 ? equity[n - 1]! : input.cash;
  const stats = returnStatistics(equity);
  return {
    bars: n,
    fills,
    roundTrips,
    finalEquity,
    totalReturn: finalEquity / input.cash - 1,
    sharpe: sharpeOf(stats, input.periodsPerYear),
    sortino: sortinoOf(stats, input.periodsPerYear),
    maxDrawdown: maxDrawdown(equity),
    cagr: annualizedGrowth(input.cash, finalEquity, n, input.periodsPerYear),
    winRate: roundTrips === 0 ? 0 : wins / roundTrips,
    profitFactor: grossLoss === 0 ? (grossProfit > 0 ? Infinity : 0) : grossProfit / grossLoss,
    exposure: n === 0 ? 0 : barsInMarket / n,
  };
}
