/**
 * Display helpers for notebooks and reports: a chart as a mime bundle (Vega-Lite JSON with an SVG
 * fallback), metrics and trades as HTML tables, a summary as markdown. Everything that came from a
 * user, a strategy or a model is escaped.
 */
import { formatMarketTime, marketTimeOf, REGULAR_OPEN_MINUTE } from "../data/calendar";
import type { RoundTrip } from "../model/order";
import type { BacktestSummary } from "../run/backtest";
import { SUMMARY_FIELDS } from "../run/backtest";
import type { ChartFill } from "./chart-data";
import { tradeKind } from "./chart-data";
import { renderSvg } from "./render";
import { titleOf } from "./theme";
import type { ChartSpec } from "./theme";

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

export interface MimeBundle {
  [VEGA_LITE_MIME]: ChartSpec;
  "image/svg+xml": string;
  "text/plain": string;
}

/** A chart for a notebook: the spec for renderers that draw Vega-Lite, an SVG for the rest, its title as text. */
export async function mimeBundle(spec: ChartSpec): Promise<MimeBundle> {
  return { [VEGA_LITE_MIME]: spec, "image/svg+xml": await renderSvg(spec), "text/plain": titleOf(spec) };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** How each summary field reads, and how its value is written. */
const FIELDS: Record<string, { label: string; format: (value: number) => string }> = {
  bars: { label: "Bars", format: (v) => integer(v) },
  fills: { label: "Fills", format: (v) => integer(v) },
  roundTrips: { label: "Round trips", format: (v) => integer(v) },
  blockedOrders: { label: "Blocked orders", format: (v) => integer(v) },
  initialCash: { label: "Initial cash", format: (v) => money(v) },
  finalEquity: { label: "Final equity", format: (v) => money(v) },
  totalReturn: { label: "Total return", format: (v) => percent(v) },
  cagr: { label: "CAGR", format: (v) => percent(v) },
  volatility: { label: "Volatility (a year)", format: (v) => percent(v) },
  sharpe: { label: "Sharpe", format: (v) => fixed(v) },
  sortino: { label: "Sortino", format: (v) => fixed(v) },
  maxDrawdown: { label: "Max drawdown", format: (v) => percent(v) },
  calmar: { label: "Calmar", format: (v) => fixed(v) },
  winRate: { label: "Win rate", format: (v) => percent(v) },
  profitFactor: { label: "Profit factor", format: (v) => fixed(v) },
  exposure: { label: "Exposure", format: (v) => percent(v) },
  turnover: { label: "Turnover", format: (v) => `${fixed(v, 1)}x` },
  commissionPaid: { label: "Commission paid", format: (v) => money(v) },
  benchmarkReturn: { label: "Benchmark return", format: (v) => percent(v) },
  alpha: { label: "Alpha (a year)", format: (v) => percent(v) },
  beta: { label: "Beta", format: (v) => fixed(v) },
  periodsPerYear: { label: "Bars a year", format: (v) => integer(v) },
  llmCalls: { label: "LLM calls", format: (v) => integer(v) },
  llmReplayed: { label: "From the cassette", format: (v) => integer(v) },
  tokensIn: { label: "Tokens in", format: (v) => integer(v) },
  tokensOut: { label: "Tokens out", format: (v) => integer(v) },
  llmCost: { label: "LLM cost", format: (v) => `$${v.toFixed(4)}` },
};
const TEXT_LABELS: Record<string, string> = { status: "Status", strategy: "Strategy", symbol: "Symbol", source: "Data", from: "From", to: "To", benchmark: "Benchmark" };
const LLM_FIELDS = new Set(["llmCalls", "llmReplayed", "tokensIn", "tokensOut", "llmCost"]);

type SummaryLike = Partial<BacktestSummary> | Record<string, unknown>;

/** One summary field as shown: its key, its label and its formatted value. */
export interface SummaryField {
  key: string;
  label: string;
  value: string;
}

/** The summary's fields with their keys, in reading order; LLM fields only for LLM runs. */
export function summaryFields(summary: SummaryLike): SummaryField[] {
  const s = summary as Record<string, unknown>;
  const llm = Number(s.llmCalls ?? 0) + Number(s.llmReplayed ?? 0) > 0;
  const known = new Set<string>(SUMMARY_FIELDS);
  const keys = [...SUMMARY_FIELDS.filter((key) => key in s), ...Object.keys(s).filter((key) => !known.has(key))];
  const fields: SummaryField[] = [];
  for (const key of keys) {
    if (LLM_FIELDS.has(key) && !llm) continue;
    fields.push({ key, ...formatMetric(key, s[key]) });
  }
  return fields;
}

/** The summary's fields as [label, formatted value] rows, in reading order; LLM rows only for LLM runs. */
export function summaryRows(summary: SummaryLike): [string, string][] {
  return summaryFields(summary).map(({ label, value }) => [label, value]);
}

/** One metric's label and formatted value (a recorded run's metric, or a summary field). */
export function formatMetric(key: string, value: unknown): { label: string; value: string } {
  const field = FIELDS[key];
  if (field) {
    // JSON has no Infinity: a recorded profit factor of null means gains and no losses.
    if (value === null || value === undefined) return { label: field.label, value: key === "profitFactor" ? "∞" : "n/a" };
    if (typeof value === "number") return { label: field.label, value: Number.isFinite(value) ? field.format(value) : value > 0 ? "∞" : "n/a" };
    return { label: field.label, value: String(value) };
  }
  return { label: TEXT_LABELS[key] ?? key, value: typeof value === "string" ? value : (JSON.stringify(value) ?? "") };
}

/** Whether a metric is about the LLM (calls, tokens, cost): coded strategies leave these out. */
export function isLlmMetric(key: string): boolean {
  return LLM_FIELDS.has(key);
}

/**
 * How much `b` is above `a`, in the metric's own unit ("+1.25%", "-$20.00", "+3"), or undefined when
 * either is not a finite number or the metric is not a number with a unit (a symbol, a date).
 */
export function metricDifference(key: string, a: unknown, b: unknown): string | undefined {
  const field = FIELDS[key];
  if (!field || typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  const difference = b - a;
  const text = field.format(Math.abs(difference));
  // No sign on a difference that rounds to nothing ("0.00%").
  return /[1-9]/.test(text) ? `${difference > 0 ? "+" : "-"}${text}` : text;
}

/** The summary metrics as an HTML table (a BacktestSummary, or a recorded run's metrics). */
export function metricsTable(summary: SummaryLike): string {
  const rows = summaryRows(summary).map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`);
  return `<table class="aibt-metrics"><tbody>${rows.join("")}</tbody></table>`;
}

export interface TradesTableOptions {
  /** Rows shown at most (default 500); the rest are counted below the table. */
  maxRows?: number;
  /** Show times of day (default: when any trade happened after the open). */
  intraday?: boolean;
}

/** A trades table as plain text cells: what the HTML table and a webview's table both show. */
export interface TradeTable {
  head: string[];
  rows: string[][];
  /** Indices of the columns holding numbers (right-aligned). */
  numeric: number[];
  /** Trades left out after `maxRows`. */
  more: number;
}

/** Fills (e.g. a result's fillLog or a run's fills()) or round trips (tradeLog) as rows of text. */
export function tradeRows(trades: readonly ChartFill[] | readonly RoundTrip[], options: TradesTableOptions = {}): TradeTable {
  const maxRows = options.maxRows ?? 500;
  const roundTrips = trades.length > 0 && "entryTime" in trades[0]!;
  const times = roundTrips ? (trades as readonly RoundTrip[]).flatMap((t) => [t.entryTime, t.exitTime]) : (trades as readonly ChartFill[]).map((t) => t.time);
  const intraday = options.intraday ?? times.some((t) => marketTimeOf(t).minute !== REGULAR_OPEN_MINUTE);
  const when = (t: number) => displayTime(t, intraday);
  const shown = trades.slice(0, maxRows);
  const more = trades.length - shown.length;
  if (roundTrips) {
    return {
      head: ["Symbol", "Side", "Entry", "Exit", "Quantity", "Entry price", "Exit price", "P&L", "Return"],
      rows: (shown as readonly RoundTrip[]).map((t) => [t.symbol, t.side, when(t.entryTime), when(t.exitTime), quantity(t.quantity), price(t.entryPrice), price(t.exitPrice), money(t.pnl), percent(t.returnPct)]),
      numeric: [4, 5, 6, 7, 8],
      more,
    };
  }
  return {
    head: ["Time (New York)", "Trade", "Symbol", "Quantity", "Price", "Commission", "Reason"],
    rows: (shown as readonly ChartFill[]).map((f) => [when(f.time), tradeKind(f), f.symbol ?? "", quantity(f.quantity), price(f.price), f.commission === undefined ? "" : money(f.commission), f.reason ?? ""]),
    numeric: [3, 4, 5],
    more,
  };
}

/** Fills (e.g. a result's fillLog or a run's fills()) or round trips (tradeLog) as an HTML table. */
export function tradesTable(trades: readonly ChartFill[] | readonly RoundTrip[], options: TradesTableOptions = {}): string {
  if (trades.length === 0) return `<p class="aibt-empty">No trades.</p>`;
  return tradeTableHtml(tradeRows(trades, options));
}

/** A trades table's HTML, every cell escaped. */
export function tradeTableHtml(table: TradeTable): string {
  return [
    `<table class="aibt-trades"><thead><tr>${table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    `<tbody>${table.rows.map((cells) => row(cells, table.numeric)).join("")}</tbody></table>`,
    table.more > 0 ? `<p class="aibt-more">${integer(table.more)} more not shown.</p>` : "",
  ].join("");
}

/** The summary as markdown: a heading line and a two-column table. */
export function markdownSummary(summary: SummaryLike): string {
  const s = summary as Record<string, unknown>;
  const heading = [s.strategy, s.symbol && `on ${String(s.symbol)}`].filter(Boolean).join(" ");
  const range = s.from && s.to ? `, ${String(s.from)} to ${String(s.to)}` : "";
  const bars = typeof s.bars === "number" ? `, ${integer(s.bars)} bars` : "";
  const cell = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const rows = summaryRows(summary).filter(([label]) => !["Strategy", "Symbol", "From", "To", "Bars"].includes(label));
  return [`**${cell(heading || "Run")}**${cell(range + bars)}`, "", "| Metric | Value |", "|---|---|", ...rows.map(([label, value]) => `| ${cell(label)} | ${cell(value)} |`), ""].join("\n");
}

/** New York time for tables: "2013-10-07 10:15" (or the date alone for daily bars). */
export function displayTime(epochMs: number, intraday: boolean): string {
  const iso = formatMarketTime(epochMs);
  return intraday ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

function row(cells: string[], numeric: number[]): string {
  return `<tr>${cells.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`;
}

function integer(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function money(value: number): string {
  const sign = value < 0 ? "-" : "";
  return `${sign}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function price(value: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

function quantity(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 8 });
}
