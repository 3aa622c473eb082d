/**
 * The engine's public API (`aibt/engine`). Every name here is public on purpose: adding one is a
 * decision, so exports are explicit.
 */
export { backtest, BacktestOptionsSchema, BUILT_IN_STRATEGIES, SUMMARY_FIELDS, summaryOf } from "./run/backtest";
export type { BacktestOptions, BacktestResult, BacktestSummary } from "./run/backtest";
export { runLoop } from "./run/loop";
export type { DecisionCadence, RunOutcome, RunProgress, RunSetup, RunStatus } from "./run/loop";
export { replay, ReplayOptionsSchema } from "./run/replay";
export type { ReplayOptions, ReplayResult } from "./run/replay";
export { SESSIONS, SESSION_NAMES, resampleBars, sessionBars } from "./data/sessions";
export type { SessionName } from "./data/sessions";
export { readTickFile, readTickChunks, parseTickCsv } from "./data/ticks";
export type { TradeTicks } from "./data/ticks";
export { BarAggregator, aggregateTicks } from "./data/aggregate";
export type { AggregateOptions } from "./data/aggregate";
export { openingRange, OpeningRangeParamsSchema } from "./strategy/opening-range";

export { loadDataFile, parseAlphaVantageJsonl, parseColumnMapping, parseGenericCsv, parseNormalizedCsv } from "./data/feeds";
export type { ColumnMapping, DataFormat, LoadOptions } from "./data/feeds";
export { BarSeriesBuilder, seriesFromBars, sliceByDay } from "./data/series";
export type { BarFields, BarSeries, DataSet, MaskedBar } from "./data/series";
export { formatDay, formatMarketTime, marketTimeOf, nyOffsetMinutes, parseMarketTime } from "./data/calendar";
export type { MarketTime } from "./data/calendar";
export { instrumentOf, normalizeSymbol } from "./data/symbols";
export type { AssetClass, Instrument } from "./data/symbols";
export { syntheticSeries } from "./data/synthetic";
export type { SyntheticOptions } from "./data/synthetic";
export { SAMPLE_DAILY, sampleDataPath } from "./data/samples";
export { seededRandom } from "./data/random";

export { marketOf } from "./market/market";
export type { Market } from "./market/market";
export { LookAheadError, MarketView } from "./market/view";

export { BrokerConfigSchema, triggerPrice } from "./broker/broker";
export type { BrokerConfig, FillTiming } from "./broker/broker";
export { CommissionSchema, commissionFor } from "./broker/costs";
export type { Commission } from "./broker/costs";
export type { PortfolioView } from "./broker/portfolio";
export { RiskLimitsSchema } from "./risk/guard";
export type { RiskLimits } from "./risk/guard";
export { OrderRequestSchema } from "./model/order";
export type { BlockedOrder, BlockRule, Fill, Order, OrderRequest, RoundTrip, Side } from "./model/order";

export { buyAndHold } from "./strategy/buy-and-hold";
export { smaCross, SmaCrossParamsSchema } from "./strategy/sma-cross";
export type { SmaCrossParams } from "./strategy/sma-cross";
export type { Strategy, StrategyContext, SubmitResult } from "./strategy/strategy";

export {
  alphaBeta,
  annualizedGrowth,
  cagr,
  calmar,
  drawdownSeries,
  exposure,
  maxDrawdown,
  maxDrawdownWindow,
  medianInterval,
  periodsPerYear,
  profitFactor,
  returnStatistics,
  sharpe,
  sharpeOf,
  simpleReturns,
  sortino,
  sortinoOf,
  totalReturn,
  turnover,
  volatility,
  volatilityOf,
  winRate,
} from "./metrics/index";
export type { ReturnStatistics } from "./metrics/index";

export { ModelStore, VersionConflictError } from "./store/models";
export type { ModelPatch, ModelProblem } from "./store/models";
export { ModelDefinitionSchema, ModelInputSchema, modelDefinitionJsonSchema, signatureFrom } from "./store/model-definition";
export type { ModelDefinition, ModelInput, ModelStrategy } from "./store/model-definition";
export { RunStore } from "./store/runs";
export type { RunComparison, RunProblem } from "./store/runs";
export { RunReader } from "./store/run-reader";
export type { EquityPoint, FillRow } from "./store/run-reader";
export { RunWriter } from "./store/run-writer";
export type { RunCard, RunHeader, RunMode, RecordedStatus } from "./store/run-record";
export type { StepRecord, StepRecorder } from "./run/step-record";

export { llmStrategy, DEFAULT_BASE_URL } from "./agent/llm-strategy";
export type { LlmStrategy, LlmStrategyOptions, LlmUsage, ModelParameters } from "./agent/llm-strategy";
export { Cassette, CassetteModeSchema, requestKey } from "./agent/cassette";
export type { CassetteMode, Exchange } from "./agent/cassette";
export { AgentError } from "./agent/llm-errors";
export { TRADING_TOOLS, callTool, findTool, toChatCompletionTools, evaluate, CalculatorError } from "./tools/index";
export type { Tool, ToolContext, ToolResult, TradingToolContext } from "./tools/index";
export { sma, ema, rsi, rateOfChange, rollingVolatility } from "./indicators/index";

export { buyAndHoldCurve, candlesOf, candlestickChart, chartDataFromResult, chartDataFromRun, comparisonChart, costReturnChart, downsampleIndices, drawdownChart, equityChart, escapeHtml, exposureChart, markdownSummary, metricsTable, mimeBundle, renderChart, renderSvg, returnsChart, tradesTable, OKABE_ITO, VEGA_LITE_MIME, VEGA_LITE_SCHEMA } from "./charts/index";
export type { ChartOptions, ChartSpec, ChartTheme, MimeBundle, RenderedChart, RunChartData } from "./charts/index";
export { defaultReportName, runReport, writeRunReport } from "./report/index";
export type { RunReportOptions } from "./report/index";

export { createMcpServer } from "./mcp/server";
export { serveHttp } from "./mcp/http";
export { WORKSPACE_TOOLS } from "./tools/workspace-tools";
export { WorkspaceToolContext } from "./tools/workspace";

export { InputError, isInputError, isUserFacing } from "./errors";
