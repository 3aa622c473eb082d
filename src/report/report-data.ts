/**
 * A recorded run's report as data: what the HTML report file (report.ts) renders and what the
 * editor's report webview shows live. Plain JSON only (charts as Vega-Lite specs, tables as text
 * cells, decisions as text), so it crosses to a webview by postMessage unchanged and nothing in it
 * is HTML: whoever displays it escapes it.
 */
import path from "node:path";
import { chartDataFromRun } from "../charts/chart-data";
import type { RunChartData } from "../charts/chart-data";
import { candlestickChart } from "../charts/candles";
import { comparisonChart } from "../charts/comparison";
import type { ComparedRun } from "../charts/comparison";
import { displayTime, formatMetric, isLlmMetric, metricDifference, summaryFields, tradeRows } from "../charts/display";
import type { SummaryField, TradeTable } from "../charts/display";
import { drawdownChart, equityChart, exposureChart, returnsChart } from "../charts/run-charts";
import type { ChartSpec } from "../charts/theme";
import { isIntraday } from "../charts/time";
import { SUMMARY_FIELDS } from "../run/backtest";
import type { RunReader } from "../store/run-reader";
import type { RecordedStatus, RunCard, RunMode } from "../store/run-record";
import type { RunStore } from "../store/runs";
import { decisionExcerpts } from "./reasoning";
import type { DecisionExcerpt } from "./reasoning";
import { runBars } from "./run-bars";
import type { RunBars } from "./run-bars";

export interface RunReportOptions {
  /** The workspace the run belongs to: a relative data source is looked for there, then in `cwd`. */
  workspace: string;
  cwd?: string;
  /** Rows of the trades and blocked-orders tables at most (default 1,000). */
  maxTrades?: number;
  /** Decisions shown in the reasoning excerpts at most (default 30). */
  maxDecisions?: number;
  /** Characters kept of a decision's final message (default 600) and of a tool call's arguments or result (default 240). */
  maxMessage?: number;
  maxToolText?: number;
  /** Plot width of the charts in pixels (default 900: with axes they fit a 1,120-pixel page); a webview refits them. */
  chartWidth?: number;
  /** Invisible hover targets carrying tooltips on the charts (default true; a static rendering leaves them out). */
  tooltips?: boolean;
}

/** Who the run is and how it went. */
export interface RunReportCard {
  /** `<model>/run-NNNN`: what `aibt runs show` and RunStore.open accept. */
  ref: string;
  modelId: string;
  runId: string;
  number: number;
  mode: RunMode;
  status: RecordedStatus;
  startedAt: string;
  endedAt: string | null;
  stepsDone: number;
  stepsTotal: number;
  strategy: string;
  symbol: string;
  /** The day and session of an intraday run, the date range of a daily one, and the data file's name. */
  range: string;
  error: string | null;
  /** Why the report holds fewer steps than the run meant to (failed, cancelled, still running), or null. */
  statusNote: string | null;
}

/** A headline number: total return, Sharpe, drawdown, ... */
export interface ReportKpi {
  label: string;
  value: string;
  tone: "gain" | "loss" | "";
}

export type ReportChartId = "equity" | "drawdown" | "candles" | "exposure" | "returns";

/** A chart of the run, or the note saying why it cannot be drawn (no spec then). */
export interface ReportChart {
  id: ReportChartId;
  caption: string;
  spec?: ChartSpec;
  note?: string;
}

export interface BlockedRow {
  time: string;
  symbol: string;
  side: string;
  rule: string;
  reason: string;
}

export interface RunReportData {
  kind: "run-report";
  /** What the run is: "opening-range on SPY". */
  title: string;
  /** One line of facts under the title: the run, its mode, range and bar count. */
  facts: string[];
  card: RunReportCard;
  /** Empty when the run recorded no metrics (it failed or is still running). */
  kpis: ReportKpi[];
  /** Every recorded metric, labelled and formatted; null when the run recorded none. */
  metrics: SummaryField[] | null;
  charts: ReportChart[];
  /** Notes that hold for every chart and table ("Times are New York time."). */
  notes: string[];
  /** Fills, at most `maxTrades` rows; `total` counts them all. */
  trades: TradeTable & { total: number };
  blocked: { total: number; rows: BlockedRow[] };
  /** An LLM run's decisions with their tool calls and final messages (none for coded strategies). */
  decisions: { total: number; omitted: number; excerpts: DecisionExcerpt[] };
  /** The frozen model definition or settings the run was made with. */
  snapshot: unknown;
  /** The run file. */
  file: string;
}

const DEFAULT_CHART_WIDTH = 900;

/** Everything a report shows about one recorded run. */
export async function runReportData(reader: RunReader, options: RunReportOptions): Promise<RunReportData> {
  const card = reader.card();
  const times = reader.equity().map((p) => p.time);
  const located = times.length > 0 ? runBars(card, times, options) : ({ found: false, note: "the run recorded no steps" } as RunBars);
  const data = chartDataFromRun(reader, located.found && located.benchmark ? { benchmark: located.benchmark } : {});
  const intraday = card.mode === "intraday" || isIntraday(data.times);
  const maxRows = options.maxTrades ?? 1_000;
  const fills = reader.fills();
  const blocked = reader.blocked();
  const decisions = reader.decisions();
  const stepTime = (step: number) => (step >= 0 && step < data.times.length ? displayTime(data.times[step]!, intraday) : `step ${step + 1}`);
  const { title, strategy } = headline(card, data.symbol);
  const reasoning = decisionExcerpts(decisions, {
    intraday,
    ...(options.maxDecisions !== undefined ? { maxDecisions: options.maxDecisions } : {}),
    ...(options.maxMessage !== undefined ? { maxMessage: options.maxMessage } : {}),
    ...(options.maxToolText !== undefined ? { maxToolText: options.maxToolText } : {}),
  });
  return {
    kind: "run-report",
    title,
    facts: [`${card.modelId}/${card.id}`, `${card.mode === "intraday" ? "intraday" : "daily"} run`, describeData(card), `${card.stepsDone.toLocaleString("en-US")} bars`],
    card: {
      ref: `${card.modelId}/${card.id}`,
      modelId: card.modelId,
      runId: card.id,
      number: card.number,
      mode: card.mode,
      status: card.status,
      startedAt: card.startedAt,
      endedAt: card.endedAt,
      stepsDone: card.stepsDone,
      stepsTotal: card.stepsTotal,
      strategy,
      symbol: data.symbol,
      range: describeData(card),
      error: card.error,
      statusNote: statusNote(card),
    },
    kpis: kpisOf(card),
    metrics: card.metrics ? summaryFields(card.metrics) : null,
    charts: runCharts(data, located, { width: options.chartWidth ?? DEFAULT_CHART_WIDTH, tooltips: options.tooltips !== false }),
    notes: ["Times are New York time."],
    trades: { ...tradeRows(fills, { intraday, maxRows }), total: fills.length },
    blocked: {
      total: blocked.length,
      rows: blocked.slice(0, maxRows).map((b) => ({ time: stepTime(b.step), symbol: b.symbol, side: b.side, rule: b.rule, reason: b.reason })),
    },
    decisions: { total: decisions.length, ...reasoning },
    snapshot: reader.snapshot(),
    file: reader.file,
  };
}

/** The run's charts as specs: equity (against the benchmark when its bars were found), drawdown, candles, exposure, returns. */
function runCharts(data: RunChartData, located: RunBars, options: { width: number; tooltips: boolean }): ReportChart[] {
  const { width, tooltips } = options;
  if (data.times.length === 0) return [{ id: "equity", caption: "Equity", note: "The run recorded no steps, so there is nothing to chart." }];
  const charts: ReportChart[] = [
    {
      id: "equity",
      caption: data.benchmark ? `Equity against ${data.benchmark.name}` : "Equity",
      spec: equityChart(data, { width, tooltips, height: 280, title: "Equity" }),
      ...(data.benchmark ? {} : { note: `No benchmark line: ${located.found ? "the benchmark's bars were not found" : located.note}.` }),
    },
    { id: "drawdown", caption: "Drawdown", spec: drawdownChart(data, { width, tooltips, height: 150, title: "Drawdown" }) },
    located.found
      ? { id: "candles", caption: `${located.bars.symbol} with the run's trades`, spec: candlestickChart(located.bars, data.fills, { width, height: 320, volumeHeight: 70 }) }
      : { id: "candles", caption: "Prices and trades", note: `No candlestick chart: ${located.note}.` },
    { id: "exposure", caption: "Exposure", spec: exposureChart(data, { width, tooltips, height: 110, title: "Exposure" }) },
  ];
  if (data.times.length > 2) charts.push({ id: "returns", caption: "Returns per bar", spec: returnsChart(data, { width, height: 160, title: "Returns per bar" }) });
  return charts;
}

/** "sma-cross on AAPL": the strategy (as its metrics name it, else the model) and the symbol. */
function headline(card: RunCard, symbol: string): { title: string; strategy: string } {
  const strategy = typeof card.metrics?.strategy === "string" ? card.metrics.strategy : card.modelId;
  return { title: `${strategy}${symbol ? ` on ${symbol}` : ""}`, strategy };
}

function describeData(card: RunCard): string {
  const d = (card.data ?? {}) as Record<string, unknown>;
  const source = typeof d.source === "string" ? path.basename(d.source) : "";
  if (card.mode === "intraday") {
    const minutes = typeof d.barMinutes === "number" ? d.barMinutes : 1;
    return `${String(d.date ?? "")}, ${String(d.session ?? "regular")} session, ${minutes}-minute bars${source ? ` from ${source}` : ""}`;
  }
  return `${String(d.from ?? "")} to ${String(d.to ?? "")}${source ? ` from ${source}` : ""}`;
}

function statusNote(card: RunCard): string | null {
  if (card.status === "completed") return null;
  if (card.status === "running") return "This run is still being written: the report shows the steps recorded so far.";
  return `This run ${card.status === "failed" ? "failed" : "was cancelled"} after ${card.stepsDone} of ${card.stepsTotal} steps.`;
}

function kpisOf(card: RunCard): ReportKpi[] {
  const m = card.metrics;
  if (!m) return [];
  const num = (key: string) => (typeof m[key] === "number" ? (m[key] as number) : undefined);
  const pct = (value: number | undefined) => (value === undefined ? "n/a" : `${value > 0 ? "+" : ""}${(value * 100).toFixed(2)}%`);
  const tone = (value: number | undefined): ReportKpi["tone"] => (value === undefined || value === 0 ? "" : value > 0 ? "gain" : "loss");
  const kpis: ReportKpi[] = [
    { label: "Total return", value: pct(num("totalReturn")), tone: tone(num("totalReturn")) },
    { label: `${typeof m.benchmark === "string" ? m.benchmark : "Benchmark"} buy-and-hold`, value: pct(num("benchmarkReturn")), tone: tone(num("benchmarkReturn")) },
    { label: "Sharpe", value: num("sharpe")?.toFixed(2) ?? "n/a", tone: "" },
    { label: "Max drawdown", value: num("maxDrawdown") === undefined ? "n/a" : `${(num("maxDrawdown")! * 100).toFixed(2)}%`, tone: num("maxDrawdown") ? "loss" : "" },
    { label: "Trades", value: `${num("fills") ?? 0} fills`, tone: "" },
    { label: "Win rate", value: num("roundTrips") ? `${((num("winRate") ?? 0) * 100).toFixed(1)}%` : "no round trips", tone: "" },
    { label: "Exposure", value: num("exposure") === undefined ? "n/a" : `${(num("exposure")! * 100).toFixed(1)}%`, tone: "" },
    {
      label: "Final equity",
      value: num("finalEquity") === undefined ? "n/a" : `$${num("finalEquity")!.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      tone: "",
    },
  ];
  if ((num("llmCalls") ?? 0) + (num("llmReplayed") ?? 0) > 0) {
    const cost = num("llmCost");
    kpis.push({ label: "LLM cost", value: cost === undefined ? "no prices" : `$${cost.toFixed(4)}`, tone: "" });
  }
  return kpis;
}

/** One run of a comparison. */
export interface ComparedRunCard {
  ref: string;
  title: string;
  mode: RunMode;
  status: RecordedStatus;
  range: string;
  stepsDone: number;
  error: string | null;
}

/** One metric across the runs. */
export interface ComparedMetric {
  key: string;
  label: string;
  /** Formatted, one per run ("n/a" when a run lacks it). */
  values: string[];
  /** As recorded, one per run (null when a run lacks it). */
  raw: unknown[];
  /** With two runs: the second's value less the first's, in the metric's unit; otherwise null. */
  difference: string | null;
}

export interface ComparisonData {
  kind: "comparison";
  title: string;
  runs: ComparedRunCard[];
  metrics: ComparedMetric[];
  /** Snapshot settings that differ, by dotted path, each run's value as JSON text ("(not set)" when absent). */
  snapshotDifferences: { path: string; values: string[] }[];
  /** Every run's equity from 1 on one chart; null (with a note) when no run has steps. */
  chart: ChartSpec | null;
  chartNote: string | null;
}

export interface ComparisonOptions {
  /** Plot width of the chart in pixels (default 900). */
  chartWidth?: number;
  tooltips?: boolean;
}

const NOT_SET = "(not set)";

/**
 * Two (or more) runs side by side: their metrics with the difference, the settings that differ
 * (RunStore.compare), and their equity on one chart. Runs over periods that do not overlap (two
 * sessions, say) are lined up from their first bar.
 */
export async function comparisonData(store: RunStore, refs: readonly string[], options: ComparisonOptions = {}): Promise<ComparisonData> {
  const compared = await store.compare([...refs]);
  const curves: ComparedRun[] = [];
  for (const ref of refs) {
    const reader = await store.open(ref);
    try {
      const card = reader.card();
      const points = reader.equity();
      curves.push({ name: `${card.modelId}/${card.id}`, times: points.map((p) => p.time), equity: points.map((p) => p.equity) });
    } finally {
      reader.close();
    }
  }
  // The same run twice still needs two names on the chart.
  curves.forEach((curve, i) => {
    if (curves.findIndex((other) => other.name === curve.name) !== i) curve.name = `${curve.name} (${i + 1})`;
  });
  const runs = compared.runs.map((card): ComparedRunCard => {
    const symbol = String((card.data as { symbol?: unknown } | null)?.symbol ?? "");
    return { ref: `${card.modelId}/${card.id}`, title: headline(card, symbol).title, mode: card.mode, status: card.status, range: describeData(card), stepsDone: card.stepsDone, error: card.error };
  });
  const llm = compared.runs.some((card) => Number(card.metrics?.llmCalls ?? 0) + Number(card.metrics?.llmReplayed ?? 0) > 0);
  const order = (name: string) => {
    const known = (SUMMARY_FIELDS as readonly string[]).indexOf(name);
    return known >= 0 ? known : SUMMARY_FIELDS.length;
  };
  const metrics = compared.metrics
    .filter((metric) => llm || !isLlmMetric(metric.name))
    .map((metric, i) => ({ metric, i }))
    .sort((a, b) => order(a.metric.name) - order(b.metric.name) || a.i - b.i)
    .map(({ metric }): ComparedMetric => {
      const values = metric.values.map((value) => formatMetric(metric.name, value).value);
      const difference = metric.values.length === 2 ? (metricDifference(metric.name, metric.values[0], metric.values[1]) ?? null) : null;
      return { key: metric.name, label: formatMetric(metric.name, null).label, values, raw: metric.values, difference };
    });
  const snapshotDifferences = compared.snapshotDifferences.map((difference) => ({
    path: difference.path,
    values: difference.values.map((value) => (value === undefined ? NOT_SET : JSON.stringify(value))),
  }));
  const charted = curves.filter((curve) => curve.times.length > 0);
  const chart = charted.length
    ? comparisonChart(charted, { width: options.chartWidth ?? DEFAULT_CHART_WIDTH, tooltips: options.tooltips !== false, x: overlapping(charted) ? "time" : "bars" })
    : null;
  const left = curves.filter((curve) => curve.times.length === 0).map((curve) => curve.name);
  return {
    kind: "comparison",
    title: runs.map((run) => run.ref).join(" vs "),
    runs,
    metrics,
    snapshotDifferences,
    chart,
    chartNote: left.length ? `${left.join(", ")} recorded no steps: ${chart ? "not on the chart" : "there is nothing to chart"}.` : null,
  };
}

/** Whether every run's period overlaps every other's. */
function overlapping(curves: readonly ComparedRun[]): boolean {
  const spans = curves.map((curve) => [curve.times[0]!, curve.times[curve.times.length - 1]!] as const);
  return spans.every(([from, to]) => spans.every(([otherFrom, otherTo]) => from <= otherTo && otherFrom <= to));
}
