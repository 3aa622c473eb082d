/** `aibt backtest`: one backtest, a readable summary or one JSON object. */
import path from "node:path";
import { parseColumnMapping } from "../data/feeds";
import { InputError } from "../errors";
import type { DataFormat } from "../data/feeds";
import { backtest, BUILT_IN_STRATEGIES, summaryOf } from "../run/backtest";
import type { BacktestOptions } from "../run/backtest";
import { choiceFlag, numberFlag, parseFlags, stringFlag, toJson } from "./args";
import type { Options } from "./args";
import { formatSummary } from "./summary";

export const BACKTEST_HELP = `Usage: aibt backtest [options]

Runs a daily (or any bar size) backtest and prints a summary. Without --data it runs on the shipped
sample: S&P 500 index daily bars 2000-2020.

Data:
  --data FILE            normalized CSV (symbol,timestamp,open,high,low,close,volume), Alpha Vantage
                         JSONL, or any OHLCV CSV (columns detected by name, or mapped with --columns)
  --format F             normalized-csv | alpha-vantage-jsonl | csv (default: detected)
  --columns MAP          CSV column mapping, e.g. time=Date,close="Adj Close",volume=Vol
  --symbol S             the symbol to trade (required when the data holds several)
  --from YYYY-MM-DD      first trading day (inclusive)
  --to YYYY-MM-DD        last trading day (inclusive)
  --benchmark S          symbol in the same data for alpha/beta (default: buy-and-hold of --symbol)

Strategy:
  --model ID             run a model definition of the workspace (see \`aibt models\`): its strategy,
                         parameters, cash, tickers and risk limits
  --strategy NAME        ${BUILT_IN_STRATEGIES.join(" | ")} (default sma-cross)
  --fast N --slow N      sma-cross windows in bars (default 10 and 50)

Account and execution:
  --cash N               starting cash (default 100000)
  --commission RATE      commission as a fraction of notional (default 0; 0.001 = 10 bps)
  --slippage-bps N       slippage against the trader in basis points (default 0)
  --fill next-open|close fill market orders at the next bar's open (default) or this bar's close
  --fractional           trade fractional shares (crypto always trades fractions)

Recording:
  --workspace DIR        record the run in DIR/.aibt/runs (default: the current folder)
  --no-record            do not record the run

Output:
  --json                 print one JSON object instead of the summary
`;

const OPTIONS: Options = {
  data: { type: "string" },
  format: { type: "string" },
  columns: { type: "string" },
  symbol: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  benchmark: { type: "string" },
  strategy: { type: "string" },
  fast: { type: "string" },
  slow: { type: "string" },
  cash: { type: "string" },
  commission: { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  fractional: { type: "boolean" },
  json: { type: "boolean" },
  workspace: { type: "string" },
  "no-record": { type: "boolean" },
  model: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export async function backtestCommand(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("backtest", argv, OPTIONS);
  if (flags.help) return out(BACKTEST_HELP);
  const options: BacktestOptions = {
    data: stringFlag(flags, "data"),
    format: choiceFlag(flags, "format", ["normalized-csv", "alpha-vantage-jsonl", "csv"] as DataFormat[]),
    columns: flags.columns === undefined ? undefined : { ...parseColumnMapping(String(flags.columns)) },
    symbol: stringFlag(flags, "symbol"),
    from: stringFlag(flags, "from"),
    to: stringFlag(flags, "to"),
    benchmark: stringFlag(flags, "benchmark"),
    strategy: choiceFlag(flags, "strategy", BUILT_IN_STRATEGIES),
    fast: numberFlag(flags, "fast", { integer: true, min: 1, example: 10 }),
    slow: numberFlag(flags, "slow", { integer: true, min: 2, example: 50 }),
    // An upper bound keeps equity arithmetic far from overflow (1e308 cash made Infinity% returns).
    cash: numberFlag(flags, "cash", { exclusiveMin: 0, max: 1e12, example: 100000 }),
    commission: numberFlag(flags, "commission", { min: 0, max: 0.5, example: 0.001 }),
    slippageBps: numberFlag(flags, "slippage-bps", { min: 0, max: 1000, example: 5 }),
    fill: choiceFlag(flags, "fill", ["next-open", "close"] as const),
    fractional: flags.fractional === true,
    workspace: flags["no-record"] && flags.model === undefined ? undefined : path.resolve(stringFlag(flags, "workspace") ?? "."),
    model: stringFlag(flags, "model"),
  };
  if (options.model !== undefined) {
    const clash = ["strategy", "fast", "slow", "cash"].filter((flag) => flags[flag] !== undefined);
    if (clash.length) throw new InputError(`--${clash[0]} comes from the model definition when --model is given`, `Drop --${clash.join(", --")}, or change the model with \`aibt models\``);
    if (flags["no-record"]) throw new InputError("a model's runs are always recorded", "Drop --no-record, or run without --model");
  }
  for (const flag of ["format", "columns"]) {
    if (flags[flag] !== undefined && flags.data === undefined) {
      throw new InputError(`--${flag} applies to a --data file, and none was given`, `Add --data FILE, or drop --${flag} to use the shipped sample`);
    }
  }
  const result = await backtest(dropUndefined(options), signal);
  const summary = summaryOf(result);
  const run = result.run ? `${result.run.modelId}/${result.run.id}` : undefined;
  if (flags.json) return out(`${toJson(run ? { ...summary, run } : summary)}\n`);
  out(`${formatSummary(summary, options)}${run ? `\nRecorded as ${run} (see \`aibt runs show ${run}\`)\n` : ""}`);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
