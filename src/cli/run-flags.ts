/**
 * The flags `aibt backtest` and `aibt replay` share (data, strategy, account, risk, LLM, recording),
 * turned into engine options once, with the same checks, and the way both print a result.
 */
import path from "node:path";
import { CassetteModeSchema } from "../agent/cassette";
import { parseColumnMapping } from "../data/feeds";
import type { DataFormat } from "../data/feeds";
import { InputError } from "../errors";
import { BUILT_IN_STRATEGIES, summaryOf } from "../run/backtest";
import type { BacktestOptions, BacktestResult } from "../run/backtest";
import { choiceFlag, numberFlag, stringFlag, toJson } from "./args";
import type { Options } from "./args";
import { formatSummary } from "./summary";

export const RUN_FLAGS_HELP = `Data:
  --data FILE            normalized CSV (symbol,timestamp,open,high,low,close,volume), Alpha Vantage
                         JSONL, or any OHLCV CSV (columns detected by name, or mapped with --columns)
  --format F             normalized-csv | alpha-vantage-jsonl | csv (default: detected)
  --columns MAP          CSV column mapping, e.g. time=Date,close="Adj Close",volume=Vol
  --symbol S             the symbol to trade (required when the data holds several)
  --benchmark S          symbol in the same data for alpha/beta (default: buy-and-hold of --symbol)

Strategy:
  --model ID             run a model definition of the workspace (see \`aibt models\`): its strategy,
                         parameters, cash, tickers and risk limits
  --strategy NAME        ${BUILT_IN_STRATEGIES.join(" | ")} (default sma-cross), or llm with --model
                         (an LLM model definition; the key comes from OPENAI_API_KEY)
  --fast N --slow N      sma-cross windows in bars (default 10 and 50)
  --range-bars N         opening-range: bars in the opening range (default 15)
  --reward-risk R        opening-range: the target as a multiple of the risk (default 2)

Account and execution:
  --cash N               starting cash (default 100000)
  --commission RATE      commission as a fraction of notional (default 0; 0.001 = 10 bps)
  --slippage-bps N       slippage against the trader in basis points (default 0)
  --fill next-open|close fill market orders at the next bar's open (default) or this bar's close
  --fractional           trade fractional shares (crypto always trades fractions)

Risk limits:
  --max-trades-per-day N     orders accepted per trading day
  --daily-loss-cap F         halt new entries for the day once equity is down F (0.02 = 2%) from its open
  --max-position-fraction F  largest position as a fraction of equity

LLM models:
  --cassette RUN|FILE    answer from a recorded run's exchanges (MODEL/run-NNNN, a run file, or .jsonl)
  --cassette-mode M      record (default) | live | replay (default with --cassette) | replay-or-live
  --price-in USD         price per million input tokens, for the run's cost
  --price-out USD        price per million output tokens

Recording:
  --workspace DIR        record the run in DIR/.aibt/runs (default: the current folder)
  --no-record            do not record the run

Output:
  --json                 print one JSON object instead of the summary
`;

export const RUN_FLAGS: Options = {
  data: { type: "string" },
  format: { type: "string" },
  columns: { type: "string" },
  symbol: { type: "string" },
  benchmark: { type: "string" },
  strategy: { type: "string" },
  fast: { type: "string" },
  slow: { type: "string" },
  "range-bars": { type: "string" },
  "reward-risk": { type: "string" },
  cash: { type: "string" },
  commission: { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  fractional: { type: "boolean" },
  "max-trades-per-day": { type: "string" },
  "daily-loss-cap": { type: "string" },
  "max-position-fraction": { type: "string" },
  json: { type: "boolean" },
  workspace: { type: "string" },
  "no-record": { type: "boolean" },
  model: { type: "string" },
  cassette: { type: "string" },
  "cassette-mode": { type: "string" },
  "price-in": { type: "string" },
  "price-out": { type: "string" },
  help: { type: "boolean", short: "h" },
};

type Flags = Record<string, string | boolean | undefined>;

/** Engine options from the shared flags (undefined ones dropped, so the engine's defaults apply). */
export function runOptionsFrom(flags: Flags): BacktestOptions {
  const options: BacktestOptions = {
    data: stringFlag(flags, "data"),
    format: choiceFlag(flags, "format", ["normalized-csv", "alpha-vantage-jsonl", "csv"] as DataFormat[]),
    columns: flags.columns === undefined ? undefined : { ...parseColumnMapping(String(flags.columns)) },
    symbol: stringFlag(flags, "symbol"),
    benchmark: stringFlag(flags, "benchmark"),
    strategy: strategyFlag(flags),
    fast: numberFlag(flags, "fast", { integer: true, min: 1, example: 10 }),
    slow: numberFlag(flags, "slow", { integer: true, min: 2, example: 50 }),
    rangeBars: numberFlag(flags, "range-bars", { integer: true, min: 1, max: 240, example: 15 }),
    rewardRisk: numberFlag(flags, "reward-risk", { exclusiveMin: 0, max: 20, example: 2 }),
    // An upper bound keeps equity arithmetic far from overflow (1e308 cash made Infinity% returns).
    cash: numberFlag(flags, "cash", { exclusiveMin: 0, max: 1e12, example: 100000 }),
    commission: numberFlag(flags, "commission", { min: 0, max: 0.5, example: 0.001 }),
    slippageBps: numberFlag(flags, "slippage-bps", { min: 0, max: 1000, example: 5 }),
    fill: choiceFlag(flags, "fill", ["next-open", "close"] as const),
    fractional: flags.fractional === true,
    risk: riskFlags(flags),
    workspace: flags["no-record"] && flags.model === undefined ? undefined : path.resolve(stringFlag(flags, "workspace") ?? "."),
    model: stringFlag(flags, "model"),
    cassette: stringFlag(flags, "cassette"),
    cassetteMode: choiceFlag(flags, "cassette-mode", CassetteModeSchema.options),
    llmPrices: prices(flags),
  };
  if (options.model !== undefined) {
    const clash = ["fast", "slow", "cash", "range-bars", "reward-risk"].filter((flag) => flags[flag] !== undefined);
    if (flags.strategy !== undefined && flags.strategy !== "llm") clash.unshift("strategy");
    if (clash.length) throw new InputError(`--${clash[0]} comes from the model definition when --model is given`, `Drop --${clash.join(", --")}, or change the model with \`aibt models\``);
    if (flags["no-record"]) throw new InputError("a model's runs are always recorded", "Drop --no-record, or run without --model");
  }
  for (const flag of ["format", "columns"]) {
    if (flags[flag] !== undefined && flags.data === undefined) {
      throw new InputError(`--${flag} applies to a --data file, and none was given`, `Add --data FILE, or drop --${flag} to use the shipped sample`);
    }
  }
  return dropUndefined(options);
}

/** The summary (or JSON) and where the run was recorded. */
export function printResult(out: (text: string) => void, json: boolean, result: BacktestResult, options: BacktestOptions, extra: Record<string, unknown> = {}): void {
  const summary = summaryOf(result);
  const run = result.run ? `${result.run.modelId}/${result.run.id}` : undefined;
  if (json) return out(`${toJson({ ...summary, ...extra, ...(run ? { run } : {}) })}\n`);
  out(`${formatSummary(summary, options)}${run ? `\nRecorded as ${run} (see \`aibt runs show ${run}\`)\n` : ""}`);
}

/** --strategy: a built-in, or "llm", which names no strategy of its own (it needs --model). */
function strategyFlag(flags: Flags): BacktestOptions["strategy"] {
  const choice = choiceFlag(flags, "strategy", [...BUILT_IN_STRATEGIES, "llm"] as const);
  if (choice !== "llm") return choice;
  if (flags.model === undefined) throw new InputError("--strategy llm needs --model ID: the LLM model definition to run", "Create one with `aibt models create --name NAME --llm MODEL_ID`, then pass --model ID");
  return undefined;
}

function riskFlags(flags: Flags): BacktestOptions["risk"] {
  const risk = dropUndefined({
    maxTradesPerDay: numberFlag(flags, "max-trades-per-day", { integer: true, min: 1, example: 4 }),
    dailyLossCap: numberFlag(flags, "daily-loss-cap", { exclusiveMin: 0, max: 1, example: 0.02 }),
    maxPositionFraction: numberFlag(flags, "max-position-fraction", { exclusiveMin: 0, max: 10, example: 0.5 }),
  });
  return Object.keys(risk).length ? risk : undefined;
}

function prices(flags: Flags): BacktestOptions["llmPrices"] {
  const input = numberFlag(flags, "price-in", { min: 0, max: 10_000, example: 0.15 });
  const output = numberFlag(flags, "price-out", { min: 0, max: 10_000, example: 0.6 });
  if (input === undefined && output === undefined) return undefined;
  if (input === undefined || output === undefined) throw new InputError("give both --price-in and --price-out", "e.g. --price-in 0.15 --price-out 0.6 (USD per million tokens)");
  return { inputPerMillion: input, outputPerMillion: output };
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
