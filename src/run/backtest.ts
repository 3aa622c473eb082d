/**
 * `backtest(options)`: the engine's front door for daily (and any bar) backtests. It loads data,
 * picks the symbol and range, runs the one run loop, and scores the run with the metric functions.
 */
import { z } from "zod";
import { CommissionSchema } from "../broker/costs";
import { FillTimingSchema } from "../broker/broker";
import { formatDay, parseDay } from "../data/calendar";
import { loadDataFile } from "../data/feeds";
import type { ColumnMapping, DataFormat } from "../data/feeds";
import { SAMPLE_DAILY, sampleDataPath } from "../data/samples";
import type { BarSeries, DataSet } from "../data/series";
import { sliceByDay } from "../data/series";
import { normalizeSymbol } from "../data/symbols";
import { InputError } from "../errors";
import { marketOf } from "../market/market";
import {
  alphaBeta,
  annualizedGrowth,
  calmar,
  maxDrawdown,
  medianInterval,
  periodsPerYear,
  profitFactor,
  returnStatistics,
  sharpeOf,
  sortinoOf,
  totalReturn,
  turnover,
  volatilityOf,
  winRate,
} from "../metrics/index";
import type { BlockedOrder, Fill, RoundTrip } from "../model/order";
import { RiskLimitsSchema } from "../risk/guard";
import { buyAndHold } from "../strategy/buy-and-hold";
import { openingRange } from "../strategy/opening-range";
import { smaCross } from "../strategy/sma-cross";
import type { Strategy } from "../strategy/strategy";
import { runLoop } from "./loop";
import type { DecisionCadence, RunOutcome, RunProgress, RunStatus } from "./loop";
import { RunWriter } from "../store/run-writer";
import { RunReader } from "../store/run-reader";
import { RunStore } from "../store/runs";
import { Cassette, CassetteModeSchema } from "../agent/cassette";
import { assertCassetteUsable, llmStrategy } from "../agent/llm-strategy";
import type { LlmStrategy } from "../agent/llm-strategy";
import { ModelStore } from "../store/models";
import type { ModelDefinition } from "../store/model-definition";
import type { RunCard, RunMode } from "../store/run-record";
import path from "node:path";

export const BUILT_IN_STRATEGIES = ["sma-cross", "buy-and-hold", "opening-range"] as const;

const isStrategy = (value: unknown): value is Strategy =>
  typeof value === "object" && value !== null && typeof (value as Strategy).onBar === "function" && typeof (value as Strategy).name === "string";

export const BacktestOptionsSchema = z
  .object({
    /** A data file (normalized CSV, Alpha Vantage JSONL, generic CSV), loaded data, or series. Default: the shipped S&P 500 sample. */
    data: z.union([z.string(), z.custom<DataSet>((v) => typeof v === "object" && v !== null && Array.isArray((v as DataSet).series)), z.array(z.custom<BarSeries>())]).optional(),
    format: z.enum(["normalized-csv", "alpha-vantage-jsonl", "csv"]).optional(),
    columns: z.record(z.string(), z.string()).optional(),
    symbol: z.string().min(1).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    strategy: z.union([z.enum(BUILT_IN_STRATEGIES), z.custom<Strategy>(isStrategy, "not a Strategy")]).default("sma-cross"),
    fast: z.number().int().positive().default(10),
    slow: z.number().int().positive().default(50),
    /** opening-range: bars in the opening range, and the target's multiple of the risk. */
    rangeBars: z.number().int().positive().default(15),
    rewardRisk: z.number().positive().default(2),
    cash: z.number().positive("cash must be positive").finite().default(100_000),
    /** A rate on notional (0.001 = 10 bps), or a commission model. */
    commission: z.union([z.number().min(0).max(0.5), CommissionSchema]).default(0),
    slippageBps: z.number().min(0).max(1000).default(0),
    fill: FillTimingSchema.default("next-open"),
    fractional: z.boolean().default(false),
    allowShort: z.boolean().default(false),
    risk: RiskLimitsSchema.optional(),
    /** Symbol in the same data to measure alpha/beta against; default: buy-and-hold of the traded symbol. */
    benchmark: z.string().optional(),
    /** Override the annualization (bars per year); default: inferred from the bar interval. */
    periodsPerYear: z.number().positive().optional(),
    onProgress: z.custom<(progress: RunProgress) => void>((v) => typeof v === "function").optional(),
    /** Called once the run is claimed in the store (before its first step), e.g. to offer cancelling it by name. */
    onRecord: z.custom<(run: { modelId: string; id: string; file: string }) => void>((v) => typeof v === "function").optional(),
    /** Record the run in this workspace's store (`.aibt/runs/<model>/run-NNNN.sqlite`). */
    workspace: z.string().min(1).optional(),
    /** Run this model definition of the workspace: its strategy, cash and risk limits replace the options'. */
    model: z.string().min(1).optional(),
    /** LLM models: a cassette to answer from (a run reference like model/run-0003, a run file, or a .jsonl file). */
    cassette: z.string().min(1).optional(),
    cassetteMode: CassetteModeSchema.optional(),
    /** LLM models: the key, when not in OPENAI_API_KEY. It is never written anywhere. */
    apiKey: z.string().min(1).optional(),
    /** LLM models: USD per million tokens, for the run's cost. */
    llmPrices: z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).strict().optional(),
  })
  .strict();

export type BacktestOptions = z.input<typeof BacktestOptionsSchema>;

/** The scalar results: what `aibt backtest --json` prints. */
export interface BacktestSummary {
  status: RunStatus;
  strategy: string;
  symbol: string;
  source: string;
  from: string;
  to: string;
  bars: number;
  fills: number;
  roundTrips: number;
  blockedOrders: number;
  initialCash: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  calmar: number;
  winRate: number;
  /** Infinity when there were gains and no losses (null in JSON). */
  profitFactor: number;
  exposure: number;
  turnover: number;
  commissionPaid: number;
  benchmark: string;
  benchmarkReturn: number;
  alpha: number;
  beta: number;
  periodsPerYear: number;
  /** LLM models: exchanges answered by the model, and from the cassette; tokens; cost (null without prices). */
  llmCalls: number;
  llmReplayed: number;
  tokensIn: number;
  tokensOut: number;
  llmCost: number | null;
}

/** The summary's fields, in the order a person reads them. */
export const SUMMARY_FIELDS = [
  "status", "strategy", "symbol", "source", "from", "to", "bars", "fills", "roundTrips", "blockedOrders", "initialCash", "finalEquity",
  "totalReturn", "cagr", "volatility", "sharpe", "sortino", "maxDrawdown", "calmar", "winRate", "profitFactor", "exposure", "turnover",
  "commissionPaid", "benchmark", "benchmarkReturn", "alpha", "beta", "periodsPerYear", "llmCalls", "llmReplayed", "tokensIn", "tokensOut", "llmCost",
] as const satisfies readonly (keyof BacktestSummary)[];

/** Only the scalar fields of a result: the curves and logs stay in the library result. */
export function summaryOf(result: BacktestSummary): BacktestSummary {
  return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, result[field]])) as unknown as BacktestSummary;
}

export interface BacktestResult extends BacktestSummary {
  /** The recorded run, when a workspace was given. */
  run?: RunCard;
  times: Float64Array;
  equityCurve: Float64Array;
  exposureCurve: Float64Array;
  benchmarkCurve: Float64Array;
  fillLog: Fill[];
  tradeLog: RoundTrip[];
  blockedLog: BlockedOrder[];
}

export async function backtest(options: BacktestOptions = {}, signal?: AbortSignal): Promise<BacktestResult> {
  const { opts, definition } = withModel(parseOptions(options));
  const dataSet = loadInput(opts);
  const series = sliceRange(pickSeries(dataSet, opts.symbol, opts), opts.from, opts.to);
  return execute({ opts, definition, dataSet, series, mode: "daily", data: {} }, signal);
}

/** A prepared run: what backtest() and replay() hand to `execute` once their own inputs are checked. */
export interface PreparedRun {
  opts: ParsedOptions;
  definition: ModelDefinition | undefined;
  dataSet: DataSet;
  series: BarSeries;
  mode: RunMode;
  /** What the run record says about its data beyond source, symbol and range (e.g. session). */
  data: Record<string, unknown>;
  flattenAtSessionEnd?: boolean;
  cadence?: DecisionCadence;
}

/** Runs a prepared run through the one run loop, records it if asked, and scores it. */
export async function execute(run: PreparedRun, signal?: AbortSignal): Promise<BacktestResult> {
  const { opts, definition, dataSet, series } = run;
  if (opts.benchmark !== undefined) findSeries(dataSet, opts.benchmark, "benchmark");
  const strategy = await strategyFor(opts, series.instrument.symbol, definition);
  const broker = {
    fill: opts.fill,
    commission: typeof opts.commission === "number" ? { kind: "percent" as const, rate: opts.commission } : opts.commission,
    slippageBps: opts.slippageBps,
    fractional: opts.fractional,
    allowShort: opts.allowShort,
  };
  // Everything is validated before the run is claimed: bad input writes nothing.
  const writer = opts.workspace ? await startRecording(run, strategy, broker) : undefined;
  if (writer) opts.onRecord?.({ modelId: writer.header.modelId, id: writer.header.id, file: writer.files.database });
  try {
    const outcome = await runLoop(
      {
        market: marketOf([series]),
        strategy,
        initialCash: opts.cash,
        broker,
        ...(opts.risk ? { risk: opts.risk } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(writer ? { recorder: writer } : {}),
        ...(run.flattenAtSessionEnd ? { flattenAtSessionEnd: true } : {}),
        ...(run.cadence ? { cadence: run.cadence } : {}),
      },
      signal,
    );
    const result = score(opts, dataSet, series, strategy, outcome);
    if (writer) result.run = writer.finish(outcome.status, { metrics: { ...summaryOf(result) }, orders: outcome.log.orders });
    return result;
  } catch (error) {
    try {
      writer?.finish("failed", { error: error instanceof Error ? error.message : String(error) });
    } catch {
      // The run cannot be finished either (a full disk, say): its journal stays, and the next open
      // recovers it as interrupted. The error the caller needs is the first one.
      writer?.abandon();
    }
    throw error;
  }
}

/**
 * A model definition's settings take the place of the options (its strategy, parameters, cash, tickers
 * and risk limits); giving both is refused, so nobody wonders which one ran.
 */
export function withModel(opts: ParsedOptions): { opts: ParsedOptions; definition?: ModelDefinition } {
  if (opts.model === undefined) return { opts };
  if (opts.workspace === undefined) throw new InputError(`model "${opts.model}" needs a workspace to be read from`, "Pass the workspace folder (--workspace DIR)", { field: "model" });
  const definition = new ModelStore(opts.workspace).get(opts.model);
  const strategy = definition.strategy;
  const risk = { ...definition.risk, ...(definition.allowedTickers.length ? { allowedTickers: definition.allowedTickers } : {}) };
  return {
    definition,
    opts: {
      ...opts,
      ...(strategy.kind === "coded" ? { strategy: strategy.name } : {}),
      ...(strategy.kind === "coded" && strategy.name === "sma-cross" ? { fast: strategy.parameters.fast, slow: strategy.parameters.slow } : {}),
      ...(strategy.kind === "coded" && strategy.name === "opening-range" ? { rangeBars: strategy.parameters.rangeBars, rewardRisk: strategy.parameters.rewardRisk } : {}),
      cash: definition.initialCash,
      risk,
    },
  };
}

function startRecording(run: PreparedRun, strategy: Strategy, broker: object): Promise<RunWriter> {
  const { opts, series, definition } = run;
  const parameters = strategy.name === "sma-cross" ? { fast: opts.fast, slow: opts.slow } : strategy.name === "opening-range" ? { rangeBars: opts.rangeBars, rewardRisk: opts.rewardRisk } : {};
  const settings = { strategy: strategy.name, ...parameters, cash: opts.cash, broker, risk: opts.risk ?? {} };
  return RunWriter.start(path.join(opts.workspace!, ".aibt", "runs"), {
    modelId: definition?.id ?? strategy.name,
    mode: run.mode,
    stepsTotal: series.length,
    // The frozen copy: the run keeps it whatever later happens to the model's file.
    snapshot: definition ? { model: definition, broker } : settings,
    data: { source: run.dataSet.source, symbol: series.instrument.symbol, from: formatDay(series.day[0]!), to: formatDay(series.day[series.length - 1]!), bars: series.length, ...run.data },
  });
}

/** Scores a finished (or cancelled) run with the metric functions. */
function score(opts: ParsedOptions, dataSet: DataSet, series: BarSeries, strategy: Strategy, outcome: RunOutcome): BacktestResult {
  const steps = outcome.steps;
  const usage = (strategy as Partial<LlmStrategy>).usage;
  const times = series.time.subarray(0, steps);
  const ppy = opts.periodsPerYear ?? inferPeriodsPerYear(times);
  const equity = outcome.equity;
  const benchmark = benchmarkPrices(dataSet, opts.benchmark, series, steps);
  const cagrValue = steps === 0 ? 0 : annualizedGrowth(opts.cash, equity[steps - 1]!, steps, ppy);
  const drawdown = maxDrawdown(equity);
  const stats = returnStatistics(equity);
  const pnls = outcome.roundTrips.map((trip) => trip.pnl);
  // Returns are scale-free, so the benchmark's prices serve as its buy-and-hold equity here.
  const ab = steps >= 2 ? alphaBeta(equity, benchmark.prices, ppy) : { alpha: 0, beta: 0 };
  return {
    status: outcome.status,
    strategy: strategy.name,
    symbol: series.instrument.symbol,
    source: dataSet.source,
    from: steps > 0 ? formatDay(series.day[0]!) : "",
    to: steps > 0 ? formatDay(series.day[steps - 1]!) : "",
    bars: steps,
    fills: outcome.log.fills.length,
    roundTrips: outcome.roundTrips.length,
    blockedOrders: outcome.log.blocked.length,
    initialCash: opts.cash,
    finalEquity: steps > 0 ? equity[steps - 1]! : opts.cash,
    totalReturn: steps > 0 ? equity[steps - 1]! / opts.cash - 1 : 0,
    cagr: cagrValue,
    volatility: volatilityOf(stats, ppy),
    sharpe: sharpeOf(stats, ppy),
    sortino: sortinoOf(stats, ppy),
    maxDrawdown: drawdown,
    calmar: calmar(cagrValue, drawdown),
    winRate: winRate(pnls),
    profitFactor: profitFactor(pnls),
    exposure: steps === 0 ? 0 : outcome.barsInMarket / steps,
    turnover: turnover(outcome.tradedNotional, equity),
    commissionPaid: outcome.commissionPaid,
    benchmark: benchmark.name,
    benchmarkReturn: steps > 0 ? totalReturn(benchmark.prices) : 0,
    alpha: ab.alpha,
    beta: ab.beta,
    periodsPerYear: ppy,
    llmCalls: usage?.calls ?? 0,
    llmReplayed: usage?.replayed ?? 0,
    tokensIn: usage?.promptTokens ?? 0,
    tokensOut: usage?.completionTokens ?? 0,
    llmCost: usage?.cost ?? null,
    times,
    equityCurve: equity,
    get exposureCurve() {
      return outcome.exposure;
    },
    /** The benchmark's buy-and-hold equity from the same cash (computed when first read: display data). */
    get benchmarkCurve() {
      const prices = benchmark.prices;
      const curve = new Float64Array(prices.length);
      const scale = opts.cash / prices[0]!;
      for (let i = 0; i < prices.length; i++) curve[i] = prices[i]! * scale;
      return curve;
    },
    fillLog: outcome.log.fills,
    tradeLog: outcome.roundTrips,
    blockedLog: outcome.log.blocked,
  };
}

export type ParsedOptions = z.output<typeof BacktestOptionsSchema>;

export function parseOptions(options: BacktestOptions): ParsedOptions {
  const parsed = BacktestOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "options";
    throw new InputError(`${field}: ${issue.message}`, `Fix the "${field}" option`, { field });
  }
  return parsed.data;
}

export function loadInput(opts: ParsedOptions): DataSet {
  const data = opts.data;
  if (data === undefined) return loadDataFile(sampleDataPath(), { format: "csv", symbol: SAMPLE_DAILY.symbol });
  if (typeof data === "string") {
    return loadDataFile(data, {
      ...(opts.format ? { format: opts.format as DataFormat } : {}),
      ...(opts.columns ? { columns: opts.columns as ColumnMapping } : {}),
      ...(opts.symbol ? { symbol: opts.symbol } : {}),
    });
  }
  if (Array.isArray(data)) return { source: "series", series: data, masked: [] };
  return data;
}

export function pickSeries(dataSet: DataSet, symbol: string | undefined, opts: ParsedOptions): BarSeries {
  const all = dataSet.series;
  if (all.length === 0) throw new InputError(`${dataSet.source} holds no bars`, "Check the data file");
  if (symbol === undefined) {
    if (all.length === 1) return all[0]!;
    const names = all.map((s) => s.instrument.symbol);
    throw new InputError(
      `${dataSet.source} holds ${all.length} symbols (${names.slice(0, 8).join(", ")}${all.length > 8 ? ", ..." : ""})`,
      `Choose one with --symbol, e.g. --symbol ${opts.benchmark && names[0] === normalizeSymbol(opts.benchmark) ? names[1] : names[0]}`,
      { field: "symbol" },
    );
  }
  return findSeries(dataSet, symbol, "symbol");
}

function findSeries(dataSet: DataSet, symbol: string, field: string): BarSeries {
  const wanted = normalizeSymbol(symbol);
  const found = dataSet.series.find((s) => s.instrument.symbol === wanted);
  if (found) return found;
  const names = dataSet.series.map((s) => s.instrument.symbol);
  const close = names.filter((name) => name.startsWith(wanted.slice(0, 1))).slice(0, 8);
  throw new InputError(
    `unknown symbol ${symbol} in ${dataSet.source}`,
    `Use one of the ${names.length} symbols in the file${close.length ? `, e.g. ${close.join(", ")}` : `: ${names.slice(0, 8).join(", ")}`}`,
    { field },
  );
}

function sliceRange(series: BarSeries, from: string | undefined, to: string | undefined): BarSeries {
  const fromDay = from === undefined ? undefined : parseDay(from);
  const toDay = to === undefined ? undefined : parseDay(to);
  if (from !== undefined && fromDay === undefined) throw new InputError(`--from "${from}" is not a date`, "Use YYYY-MM-DD, e.g. --from 2015-01-02", { field: "from" });
  if (to !== undefined && toDay === undefined) throw new InputError(`--to "${to}" is not a date`, "Use YYYY-MM-DD, e.g. --to 2019-12-31", { field: "to" });
  if (fromDay !== undefined && toDay !== undefined && fromDay > toDay) {
    throw new InputError(`--from ${from} is after --to ${to}`, "Swap them", { field: "from" });
  }
  const sliced = sliceByDay(series, fromDay, toDay);
  if (sliced.length === 0) {
    throw new InputError(
      `${series.instrument.symbol} has no bars between ${from ?? "the start"} and ${to ?? "the end"} (data covers ${formatDay(series.day[0]!)} to ${formatDay(series.day[series.length - 1]!)})`,
      "Choose dates inside the data's range",
      { field: from !== undefined ? "from" : "to" },
    );
  }
  return sliced;
}

async function strategyFor(opts: ParsedOptions, symbol: string, definition: ModelDefinition | undefined): Promise<Strategy> {
  if (definition?.strategy.kind === "llm") {
    const llm = definition.strategy;
    const mode = opts.cassetteMode ?? (opts.cassette ? "replay" : "record");
    const cassette = opts.cassette ? await loadCassette(opts.cassette, opts.workspace) : undefined;
    assertCassetteUsable(mode, cassette);
    return llmStrategy({
      model: llm.model,
      ...(llm.baseUrl ? { baseURL: llm.baseUrl } : {}),
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      parameters: llm.parameters,
      rules: llm.rules,
      instructions: llm.instructions,
      maxSteps: llm.maxSteps,
      allowedTickers: definition.allowedTickers,
      ...(cassette ? { cassette } : {}),
      cassetteMode: mode,
      ...(opts.llmPrices ? { prices: opts.llmPrices } : {}),
      fillNote: opts.fill === "close" ? "at this bar's close" : "at the next bar's open",
      fractionalShares: opts.fractional,
      allowShort: opts.allowShort,
    });
  }
  if (opts.cassette) throw new InputError("a cassette is for LLM models", "Drop --cassette, or run an LLM model (--model ID)", { field: "cassette" });
  if (opts.strategy === "sma-cross") return smaCross({ fast: opts.fast, slow: opts.slow }, symbol);
  if (opts.strategy === "buy-and-hold") return buyAndHold(symbol);
  if (opts.strategy === "opening-range") return openingRange({ rangeBars: opts.rangeBars, rewardRisk: opts.rewardRisk }, symbol);
  return opts.strategy;
}

/** A cassette from a run (its own table), a run file, or a .jsonl file. */
async function loadCassette(source: string, workspace: string | undefined): Promise<Cassette> {
  if (source.endsWith(".jsonl")) return Cassette.fromFile(source);
  const reader = source.endsWith(".sqlite") ? await RunReader.open(source) : await new RunStore(workspace ?? ".").open(source);
  try {
    return reader.cassette();
  } finally {
    reader.close();
  }
}

function inferPeriodsPerYear(times: Float64Array): number {
  const interval = medianInterval(times);
  return interval > 0 ? periodsPerYear(interval) : 252;
}

/**
 * The benchmark's closes on the traded series' timeline, forward-filled (and back-filled before its
 * first bar, so it is flat there). By default the traded symbol itself: its closes, with no copy.
 */
function benchmarkPrices(dataSet: DataSet, benchmark: string | undefined, traded: BarSeries, steps: number): { name: string; prices: Float64Array } {
  const reference = benchmark === undefined ? traded : findSeries(dataSet, benchmark, "benchmark");
  if (reference === traded) return { name: traded.instrument.symbol, prices: traded.close.subarray(0, steps) };
  const prices = new Float64Array(steps);
  const tradedTimes = traded.time;
  const referenceTimes = reference.time;
  const referenceCloses = reference.close;
  let j = 0;
  let last = NaN;
  let first = -1;
  for (let i = 0; i < steps; i++) {
    const t = tradedTimes[i]!;
    while (j < referenceTimes.length && referenceTimes[j]! <= t) last = referenceCloses[j++]!;
    prices[i] = last;
    if (first < 0 && last === last) first = i;
  }
  if (first < 0) {
    throw new InputError(`benchmark ${reference.instrument.symbol} has no bars before ${formatDay(traded.day[steps - 1]!)}`, "Pick a benchmark that covers the backtest's range", { field: "benchmark" });
  }
  prices.fill(prices[first]!, 0, first);
  return { name: reference.instrument.symbol, prices };
}
