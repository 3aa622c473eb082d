/**
 * A run report: one self-contained HTML file (inline CSS, charts as inline SVG, no scripts, nothing
 * fetched) with the summary, charts, trades, blocked orders, reasoning excerpts and the frozen
 * settings of a recorded run. Everything that came from a user, a strategy or a model is escaped.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { escapeHtml, tradeTableHtml } from "../charts/display";
import { renderChart } from "../charts/render";
import { writeFileAtomic } from "../files";
import type { RunReader } from "../store/run-reader";
import type { RunCard } from "../store/run-record";
import { RunStore } from "../store/runs";
import { excerptsHtml } from "./reasoning";
import { runReportData } from "./report-data";
import type { ReportChart, ReportKpi, RunReportData, RunReportOptions } from "./report-data";
import { REPORT_CSS } from "./style";

export type { RunReportOptions } from "./report-data";

/** Plot width of the report's charts, in pixels: with axes they fit the page (1,120 wide) unscaled. */
const CHART_WIDTH = 900;

interface Figure {
  id: string;
  svg?: string;
  note?: string;
  warnings?: string[];
}

export async function runReport(reader: RunReader, options: RunReportOptions): Promise<string> {
  // Static SVG has nothing to hover: the charts leave their tooltip targets out.
  const data = await runReportData(reader, { chartWidth: CHART_WIDTH, ...options, tooltips: false });
  const figures = await Promise.all(data.charts.map(figureOf));
  const { card, trades, blocked } = data;
  const sections = [
    header(data),
    statusBanner(data),
    kpis(data.kpis),
    `<section id="charts"><h2>Charts</h2>${figures.map(figureHtml).join("")}<p class="note">${escapeHtml(data.notes.join(" "))}</p></section>`,
    `<section id="metrics"><h2>Metrics</h2>${data.metrics ? metricsColumns(data.metrics.map((field) => [field.label, field.value])) : `<p class="note">The run recorded no metrics (it is ${escapeHtml(card.status)}).</p>`}</section>`,
    `<section id="trades"><h2>Trades <span class="count">${trades.total.toLocaleString("en-US")} fills</span></h2>${trades.total === 0 ? `<p class="aibt-empty">No trades.</p>` : tradeTableHtml(trades)}</section>`,
    `<section id="blocked"><h2>Blocked orders <span class="count">${blocked.total.toLocaleString("en-US")}</span></h2>${
      blocked.total === 0
        ? `<p class="note">No order was refused.</p>`
        : `<table class="aibt-trades"><thead><tr><th>Time (New York)</th><th>Symbol</th><th>Side</th><th>Rule</th><th>Reason</th></tr></thead><tbody>${blocked.rows
            .map((b) => `<tr><td>${escapeHtml(b.time)}</td><td>${escapeHtml(b.symbol)}</td><td>${escapeHtml(b.side)}</td><td><code>${escapeHtml(b.rule)}</code></td><td>${escapeHtml(b.reason)}</td></tr>`)
            .join("")}</tbody></table>`
    }</section>`,
    data.decisions.total > 0 ? `<section id="reasoning"><h2>Reasoning</h2>${excerptsHtml(data.decisions.excerpts, data.decisions.omitted)}</section>` : "",
    `<section id="snapshot"><h2>Strategy snapshot</h2><p class="note">The settings the run was made with, frozen when it started.</p><pre class="json">${escapeHtml(JSON.stringify(data.snapshot, null, 2))}</pre></section>`,
    `<footer>AIBT run report · ${escapeHtml(card.ref)} · from ${escapeHtml(path.basename(data.file))}</footer>`,
  ];
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: no scripts, no remote images, fonts or styles.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(card.ref)}: AIBT run report</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body><main>",
    ...sections.filter(Boolean),
    "</main></body>",
    "</html>",
    "",
  ].join("\n");
}

async function figureOf(chart: ReportChart): Promise<Figure> {
  if (!chart.spec) return { id: chart.id, ...(chart.note ? { note: chart.note } : {}) };
  const { svg, warnings } = await renderChart(chart.spec);
  return { id: chart.id, svg: inlineSvg(svg, chart.caption), ...(chart.note ? { note: chart.note } : {}), ...(warnings.length ? { warnings } : {}) };
}

/** Inline SVG needs no namespace declarations inside HTML (the parser supplies them). */
function inlineSvg(svg: string, label: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_m, attributes: string) => `<svg${attributes.replace(/\s+xmlns(:xlink)?="[^"]*"/g, "")} role="img" aria-label="${escapeHtml(label)}">`);
}

function figureHtml(figure: Figure): string {
  const body = figure.svg ? `<div class="chart">${figure.svg}</div>` : "";
  const note = figure.note ? `<p class="note">${escapeHtml(figure.note)}</p>` : "";
  // A chart that rendered with warnings is still shown, with the warnings beside it: loud, not lost.
  const warnings = figure.warnings ? `<p class="warning">Chart warnings: ${escapeHtml(figure.warnings.join("; "))}</p>` : "";
  return `<figure id="chart-${figure.id}">${body}${note}${warnings}</figure>`;
}

/** The metrics table in two columns side by side: 30-odd rows read better that way on a wide page. */
function metricsColumns(rows: [string, string][]): string {
  const half = Math.ceil(rows.length / 2);
  const table = (part: [string, string][]) =>
    `<table class="aibt-metrics"><tbody>${part.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join("")}</tbody></table>`;
  return `<div class="metrics-columns">${table(rows.slice(0, half))}${table(rows.slice(half))}</div>`;
}

function header(data: RunReportData): string {
  const { card } = data;
  return `<header><p class="eyebrow">AIBT run report</p><h1>${escapeHtml(data.title)}</h1><p class="facts">${data.facts.map((f) => `<span>${escapeHtml(f)}</span>`).join("")}</p><p class="started">Started ${escapeHtml(card.startedAt)}${card.endedAt ? `, ended ${escapeHtml(card.endedAt)}` : ""} · status <strong>${escapeHtml(card.status)}</strong></p></header>`;
}

function statusBanner(data: RunReportData): string {
  const { card } = data;
  if (card.statusNote === null) return "";
  return `<p class="banner ${escapeHtml(card.status)}">${escapeHtml(card.statusNote)}${card.error ? ` ${escapeHtml(card.error)}` : ""}</p>`;
}

function kpis(cards: readonly ReportKpi[]): string {
  if (cards.length === 0) return "";
  return `<section class="kpis">${cards.map(({ label, value, tone }) => `<div class="kpi"><span class="label">${escapeHtml(label)}</span><span class="value${tone ? ` ${tone}` : ""}">${escapeHtml(value)}</span></div>`).join("")}</section>`;
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
