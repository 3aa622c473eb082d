/** Performance metrics: pure functions over equity curves, trade results and timestamps. */
export { exposure, turnover } from "./activity";
export { alphaBeta } from "./benchmark";
export type { AlphaBeta } from "./benchmark";
export { drawdownSeries, maxDrawdown, maxDrawdownWindow } from "./drawdown";
export type { DrawdownWindow } from "./drawdown";
export { medianInterval, periodsPerYear } from "./periods";
export { annualizedGrowth, cagr, simpleReturns, totalReturn } from "./returns";
export { calmar, returnStatistics, sharpe, sharpeOf, sortino, sortinoOf, volatility, volatilityOf } from "./risk-adjusted";
export type { ReturnStatistics } from "./risk-adjusted";
export { profitFactor, winRate } from "./trades";
