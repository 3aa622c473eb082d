// A deliberately naive oracle for the sma-cross reference rules (issue 2), written straight from the
// rules' text: SMAs by direct summation, decisions bar by bar, fills at the next open.
import type { BarSeries } from "../../../src/data/series";
import { compareSma } from "../../../src/strategy/sma-cross";

export interface OracleFill {
  step: number;
  side: "buy" | "sell";
  quantity: number;
  price: number;
}

export function sma(close: Float64Array, t: number, n: number): number {
  let sum = 0;
  for (let i = t - n + 1; i <= t; i++) sum += close[i]!;
  return sum / n;
}

export function smaCrossOracle(series: BarSeries, fast: number, slow: number, cash0: number, commission: number, fractional: boolean, periodsPerYear: number) {
  const { open, close, length: n } = series;
  let cash = cash0;
  let shares = 0;
  const fills: OracleFill[] = [];
  let roundTrips = 0;
  let pending: "buy" | "sell" | undefined;
  const equity: number[] = [];
  for (let t = 0; t < n; t++) {
    if (pending === "buy") {
      const price = open[t]!;
      const raw = cash / (price * (1 + commission));
      const quantity = fractional ? raw : Math.floor(raw);
      if (quantity > 0) {
        cash -= quantity * price + quantity * price * commission;
        shares = quantity;
        fills.push({ step: t, side: "buy", quantity, price });
      }
    } else if (pending === "sell") {
      const price = open[t]!;
      cash += shares * price - shares * price * commission;
      fills.push({ step: t, side: "sell", quantity: shares, price });
      shares = 0;
      roundTrips++;
    }
    pending = undefined;
    // Both SMAs defined at t-1 and t: t-1 >= slow-1.
    if (t >= slow) {
      const before = compareSma(sma(close, t - 1, fast), sma(close, t - 1, slow));
      const now = compareSma(sma(close, t, fast), sma(close, t, slow));
      if (before <= 0 && now > 0 && shares === 0) pending = "buy";
      else if (before >= 0 && now < 0 && shares > 0) pending = "sell";
    }
    equity.push(cash + shares * close[t]!);
  }
  const returns = equity.slice(1).map((e, i) => e / equity[i]! - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    maxDrawdown = Math.max(maxDrawdown, 1 - e / peak);
  }
  return { fills, roundTrips, finalEquity: equity[n - 1]!, sharpe: sd === 0 ? 0 : (mean / sd) * Math.sqrt(periodsPerYear), maxDrawdown };
}

