/** The readable backtest summary a person sees in a terminal. */
import path from "node:path";
import type { BacktestOptions, BacktestSummary } from "../run/backtest";

const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
const num = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : value > 0 ? "inf" : "n/a");
const money = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatSummary(s: BacktestSummary, options: BacktestOptions): string {
  const params = options.model !== undefined ? ` (model ${options.model})` : s.strategy === "sma-cross" ? ` ${options.fast ?? 10}/${options.slow ?? 50}` : "";
  const rows: [string, string][] = [
    ["Final equity", `${money(s.finalEquity)}  (from ${money(s.initialCash)})`],
    ["Total return", `${pct(s.totalReturn)}   benchmark ${s.benchmark} buy-and-hold ${pct(s.benchmarkReturn)}`],
    ["CAGR", pct(s.cagr)],
    ["Volatility", `${pct(s.volatility)} a year`],
    ["Sharpe / Sortino", `${num(s.sharpe)} / ${num(s.sortino)}`],
    ["Max drawdown", `${pct(s.maxDrawdown)}   Calmar ${num(s.calmar)}`],
    ["Trades", s.roundTrips === 0 ? `${s.fills} fills, no closed round trips` : `${s.fills} fills, ${s.roundTrips} round trips, win rate ${pct(s.winRate)}, profit factor ${num(s.profitFactor)}`],
    ["Exposure / turnover", `${pct(s.exposure)} of bars in the market, turnover ${num(s.turnover, 1)}x`],
    ["Commission paid", money(s.commissionPaid)],
    ["Alpha / beta", `${pct(s.alpha)} a year / ${num(s.beta)}  vs ${s.benchmark}`],
  ];
  if (s.llmCalls + s.llmReplayed > 0) {
    // Next to Sharpe: what the returns cost in inference ("alpha per dollar").
    rows.splice(rows.findIndex(([label]) => label === "Sharpe / Sortino") + 1, 0, [
      "LLM",
      `${s.llmCalls} calls, ${s.llmReplayed} from the cassette, ${s.tokensIn.toLocaleString("en-US")} tokens in / ${s.tokensOut.toLocaleString("en-US")} out${s.llmCost === null ? "" : `, cost $${s.llmCost.toFixed(4)}`}`,
    ]);
  }
  if (s.blockedOrders > 0) rows.push(["Blocked orders", String(s.blockedOrders)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const header = `${s.strategy}${params} on ${s.symbol} (${path.basename(s.source)}), ${s.from} to ${s.to}, ${s.bars.toLocaleString("en-US")} bars${s.status === "cancelled" ? " [CANCELLED]" : ""}`;
  return [header, "", ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ""].join("\n");
}
