/**
 * A run report: one self-contained HTML file (inline CSS, charts as inline SVG, no scripts, nothing
 * fetched) with the summary, charts, trades, blocked orders, reasoning excerpts and the frozen
 * settings of a recorded run. Everything that came from a user, a strategy or a model is escaped.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { chartDataFromRun } from "../charts/chart-data";
import type { RunChartData } from "../charts/chart-data";
import { candlestickChart } from "../charts/candles";
import { displayTime, escapeHtml, summaryRows, tradesTable } from "../charts/display";
import { renderChart } from "../charts/render";
import { drawdownChart, equityChart, exposureChart, returnsChart } from "../charts/run-charts";
import type { ChartSpec } from "../charts/theme";
import { isIntraday } from "../charts/time";
import { writeFileAtomic } from "../files";
import type { RunReader } from "../store/run-reader";
import type { RunCard } from "../store/run-record";
import { RunStore } from "../store/runs";
import { reasoningHtml } from "./reasoning";
import { runBars } from "./run-bars";
import type { RunBars } from "./run-bars";
import { REPORT_CSS } from "./style";

export interface RunReportOptions {
  /** The workspace the run belongs to: a relative data source is looked for there, then in `cwd`. */
  workspace: string;
  cwd?: string;
  /** Rows of the trades table at most (default 1,000). */
  maxTrades?: number;
  /** Decisions shown in the reasoning excerpts at most (default 30). */
  maxDecisions?: number;
}

/** Plot width of the report's charts, in pixels: with axes they fit the page (1,120 wide) unscaled. */
const CHART_WIDTH = 900;

interface Figure {
  id: string;
  caption: string;
  svg?: string;
  note?: string;
  warnings?: string[];
}

export async function runReport(reader: RunReader, options: RunReportOptions): Promise<string> {
  const card = reader.card();
  const times = reader.equity().map((p) => p.time);
  const located = times.length > 0 ? runBars(card, times, options) : ({ found: false, note: "the run recorded no steps" } as RunBars);
  const data = chartDataFromRun(reader, located.found && located.benchmark ? { benchmark: located.benchmark } : {});
  const intraday = card.mode === "intraday" || isIntraday(data.times);
  const figures = await charts(data, located);
  const fills = reader.fills();
  const blocked = reader.blocked();
  const reasoning = reasoningHtml(reader.decisions(), { intraday, ...(options.maxDecisions !== undefined ? { maxDecisions: options.maxDecisions } : {}) });
  const snapshot = JSON.stringify(reader.snapshot(), null, 2);
  const stepTime = (step: number) => (step >= 0 && step < data.times.length ? displayTime(data.times[step]!, intraday) : `step ${step + 1}`);

  const sections = [
    header(card, data),
    statusBanner(card),
    kpis(card),
    `<section id="charts"><h2>Charts</h2>${figures.map(figureHtml).join("")}<p class="note">Times are New York time.</p></section>`,
    `<section id="metrics"><h2>Metrics</h2>${card.metrics ? metricsColumns(card.metrics) : `<p class="note">The run recorded no metrics (it is ${escapeHtml(card.status)}).</p>`}</section>`,
    `<section id="trades"><h2>Trades <span class="count">${fills.length.toLocaleString("en-US")} fills</span></h2>${tradesTable(fills, { intraday, maxRows: options.maxTrades ?? 1_000 })}</section>`,
    `<section id="blocked"><h2>Blocked orders <span class="count">${blocked.length.toLocaleString("en-US")}</span></h2>${
      blocked.length === 0
        ? `<p class="note">No order was refused.</p>`
        : `<table class="aibt-trades"><thead><tr><th>Time (New York)</th><th>Symbol</th><th>Side</th><th>Rule</th><th>Reason</th></tr></thead><tbody>${blocked
            .slice(0, options.maxTrades ?? 1_000)
            .map((b) => `<tr><td>${escapeHtml(stepTime(b.step))}</td><td>${escapeHtml(b.symbol)}</td><td>${escapeHtml(b.side)}</td><td><code>${escapeHtml(b.rule)}</code></td><td>${escapeHtml(b.reason)}</td></tr>`)
            .join("")}</tbody></table>`
    }</section>`,
    reasoning ? `<section id="reasoning"><h2>Reasoning</h2>${reasoning}</section>` : "",
    `<section id="snapshot"><h2>Strategy snapshot</h2><p class="note">The settings the run was made with, frozen when it started.</p><pre class="json">${escapeHtml(snapshot)}</pre></section>`,
    `<footer>AIBT run report · ${escapeHtml(`${card.modelId}/${card.id}`)} · from ${escapeHtml(path.basename(reader.file))}</footer>`,
  ];
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: no scripts, no remote images, fonts or styles.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`${card.modelId}/${card.id}`)}: AIBT run report</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body><main>",
    ...sections.filter(Boolean),
    "</main></body>",
    "</html>",
    "",
  ].join("\n");
}

async function charts(data: RunChartData, located: RunBars): Promise<Figure[]> {
  const options = { width: CHART_WIDTH, tooltips: false };
  const figures: { id: string; caption: string; spec?: ChartSpec; note?: string }[] = [];
  if (data.times.length === 0) return [{ id: "equity", caption: "Equity", note: "The run recorded no steps, so there is nothing to chart." }];
  figures.push({
    id: "equity",
    caption: data.benchmark ? `Equity against ${data.benchmark.name}` : "Equity",
    spec: equityChart(data, { ...options, height: 280, title: "Equity" }),
    ...(data.benchmark ? {} : { note: `No benchmark line: ${located.found ? "the benchmark's bars were not found" : located.note}.` }),
  });
  figures.push({ id: "drawdown", caption: "Drawdown", spec: drawdownChart(data, { ...options, height: 150, title: "Drawdown" }) });
  if (located.found) {
    figures.push({ id: "candles", caption: `${located.bars.symbol} with the run's trades`, spec: candlestickChart(located.bars, data.fills, { width: CHART_WIDTH, height: 320, volumeHeight: 70 }) });
  } else {
    figures.push({ id: "candles", caption: "Prices and trades", note: `No candlestick chart: ${located.note}.` });
  }
  figures.push({ id: "exposure", caption: "Exposure", spec: exposureChart(data, { ...options, height: 110, title: "Exposure" }) });
  if (data.times.length > 2) figures.push({ id: "returns", caption: "Returns per bar", spec: returnsChart(data, { width: CHART_WIDTH, height: 160, title: "Returns per bar" }) });
  return Promise.all(
    figures.map(async (figure): Promise<Figure> => {
      if (!figure.spec) return figure;
      const { svg, warnings } = await renderChart(figure.spec);
      return { id: figure.id, caption: figure.caption, svg, ...(figure.note ? { note: figure.note } : {}), ...(warnings.length ? { warnings } : {}) };
    }),
  );
}

/** Inline SVG needs no namespace declarations inside HTML (the parser supplies them). */
function inlineSvg(svg: string, label: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_m, attributes: string) => `<svg${attributes.replace(/\s+xmlns(:xlink)?="[^"]*"/g, "")} role="img" aria-label="${escapeHtml(label)}">`);
}

function figureHtml(figure: Figure): string {
  const body = figure.svg ? `<div class="chart">${inlineSvg(figure.svg, figure.caption)}</div>` : "";
  const note = figure.note ? `<p class="note">${escapeHtml(figure.note)}</p>` : "";
  // A chart that rendered with warnings is still shown, with the warnings beside it: loud, not lost.
  const warnings = figure.warnings ? `<p class="warning">Chart warnings: ${escapeHtml(figure.warnings.join("; "))}</p>` : "";
  return `<figure id="chart-${figure.id}">${body}${note}${warnings}</figure>`;
}

/** The metrics table in two columns side by side: 30-odd rows read better that way on a wide page. */
function metricsColumns(metrics: Record<string, unknown>): string {
  const rows = summaryRows(metrics);
  const half = Math.ceil(rows.length / 2);
  const table = (part: [string, string][]) =>
    `<table class="aibt-metrics"><tbody>${part.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join("")}</tbody></table>`;
  return `<div class="metrics-columns">${table(rows.slice(0, half))}${table(rows.slice(half))}</div>`;
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

function header(card: RunCard, data: RunChartData): string {
  const strategy = typeof card.metrics?.strategy === "string" ? card.metrics.strategy : card.modelId;
  const title = `${strategy}${data.symbol ? ` on ${data.symbol}` : ""}`;
  const facts = [`${card.modelId}/${card.id}`, `${card.mode === "intraday" ? "intraday" : "daily"} run`, describeData(card), `${card.stepsDone.toLocaleString("en-US")} bars`];
  return `<header><p class="eyebrow">AIBT run report</p><h1>${escapeHtml(title)}</h1><p class="facts">${facts.map((f) => `<span>${escapeHtml(f)}</span>`).join("")}</p><p class="started">Started ${escapeHtml(card.startedAt)}${card.endedAt ? `, ended ${escapeHtml(card.endedAt)}` : ""} · status <strong>${escapeHtml(card.status)}</strong></p></header>`;
}

function statusBanner(card: RunCard): string {
  if (card.status === "completed") return "";
  const what = card.status === "running" ? "This run is still being written: the report shows the steps recorded so far." : `This run ${card.status === "failed" ? "failed" : "was cancelled"} after ${card.stepsDone} of ${card.stepsTotal} steps.`;
  return `<p class="banner ${escapeHtml(card.status)}">${escapeHtml(what)}${card.error ? ` ${escapeHtml(card.error)}` : ""}</p>`;
}

function kpis(card: RunCard): string {
  const m = card.metrics;
  if (!m) return "";
  const num = (key: string) => (typeof m[key] === "number" ? (m[key] as number) : undefined);
  const pct = (value: number | undefined) => (value === undefined ? "n/a" : `${value > 0 ? "+" : ""}${(value * 100).toFixed(2)}%`);
  const tone = (value: number | undefined) => (value === undefined || value === 0 ? "" : value > 0 ? " gain" : " loss");
  const cards: [string, string, string][] = [
    ["Total return", pct(num("totalReturn")), tone(num("totalReturn"))],
    [`${typeof m.benchmark === "string" ? m.benchmark : "Benchmark"} buy-and-hold`, pct(num("benchmarkReturn")), tone(num("benchmarkReturn"))],
    ["Sharpe", num("sharpe")?.toFixed(2) ?? "n/a", ""],
    ["Max drawdown", num("maxDrawdown") === undefined ? "n/a" : `${(num("maxDrawdown")! * 100).toFixed(2)}%`, num("maxDrawdown") ? " loss" : ""],
    ["Trades", `${num("fills") ?? 0} fills`, ""],
    ["Win rate", num("roundTrips") ? `${((num("winRate") ?? 0) * 100).toFixed(1)}%` : "no round trips", ""],
    ["Exposure", num("exposure") === undefined ? "n/a" : `${(num("exposure")! * 100).toFixed(1)}%`, ""],
    ["Final equity", num("finalEquity") === undefined ? "n/a" : `$${num("finalEquity")!.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`, ""],
  ];
  if ((num("llmCalls") ?? 0) + (num("llmReplayed") ?? 0) > 0) {
    const cost = num("llmCost");
    cards.push(["LLM cost", cost === undefined ? "no prices" : `$${cost.toFixed(4)}`, ""]);
  }
  return `<section class="kpis">${cards.map(([label, value, cls]) => `<div class="kpi"><span class="label">${escapeHtml(label)}</span><span class="value${cls}">${escapeHtml(value)}</span></div>`).join("")}</section>`;
}

/** The file name a report gets unless told otherwise: `<model>-run-NNNN.html`. */
export function defaultReportName(card: Pick<RunCard, "modelId" | "id">): string {
  return `${card.modelId}-${card.id}.html`;
}

/**
 * Writes the report of a workspace's run (`MODEL/run-NNNN`, `MODEL/N` or a .sqlite path) to `out`
 * (a file, or a folder to put `<model>-run-NNNN.html` in; default: that name in `cwd`), atomically:
 * on any failure nothing is written.
 */
export async function writeRunReport(ref: string, options: { workspace: string; out?: string; cwd?: string }): Promise<{ file: string; bytes: number }> {
  const cwd = options.cwd ?? process.cwd();
  const reader = await new RunStore(options.workspace).open(ref);
  let html: string;
  let name: string;
  try {
    name = defaultReportName(reader.card());
    html = await runReport(reader, { workspace: options.workspace, cwd });
  } finally {
    reader.close();
  }
  const target = options.out === undefined ? path.join(cwd, name) : path.resolve(cwd, options.out);
  const file = existsSync(target) && statSync(target).isDirectory() ? path.join(target, name) : target;
  writeFileAtomic(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}
