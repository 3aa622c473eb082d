/**
 * The report webview's page: a run's report (card, headline numbers, charts, metrics, trades, blocked
 * orders, decisions with their reasoning, the frozen snapshot) or two runs compared, built with
 * @vscode-elements/elements from the payload the extension posts. Every text is set as text, never
 * parsed as HTML; buttons only post messages, the extension does the rest.
 */
import "@vscode-elements/elements/dist/vscode-badge/index.js";
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-collapsible/index.js";
import "@vscode-elements/elements/dist/vscode-tab-header/index.js";
import "@vscode-elements/elements/dist/vscode-tab-panel/index.js";
import "@vscode-elements/elements/dist/vscode-table/index.js";
import "@vscode-elements/elements/dist/vscode-table-body/index.js";
import "@vscode-elements/elements/dist/vscode-table-cell/index.js";
import "@vscode-elements/elements/dist/vscode-table-header/index.js";
import "@vscode-elements/elements/dist/vscode-table-header-cell/index.js";
import "@vscode-elements/elements/dist/vscode-table-row/index.js";
import "@vscode-elements/elements/dist/vscode-tabs/index.js";
import type { FromReportWebview, ToReportWebview } from "../../extension/report/report-messages";
import type { ComparisonData, ReportChart, RunReportData } from "../../src/report/report-data";
import type { DecisionExcerpt } from "../../src/report/reasoning";
import { Chart } from "../shared/chart";
import type { ChartImage } from "../shared/chart";
import { readTheme, watchTheme } from "../shared/theme";

interface WebviewApi {
  postMessage(message: FromReportWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): WebviewApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById("app") ?? document.body.appendChild(document.createElement("main"));
let charts: Chart[] = [];

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes (never `style`: the CSP refuses inline styles), listeners and children. */
function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "className") element.className = String(value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Replaces the page's content. */
function show(...children: Child[]): void {
  app.replaceChildren(...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false));
}

function post(message: FromReportWebview): void {
  vscode.postMessage(message);
}

function button(label: string, icon: string, message: FromReportWebview, options: { secondary?: boolean; action?: string } = {}): HTMLElement {
  return h("vscode-button", { icon, secondary: options.secondary, "data-action": options.action ?? message.type, onclick: () => post(message) }, label);
}

/** A vscode-table of text cells; `numeric` columns are right-aligned. */
function table(head: readonly string[], rows: readonly (readonly string[])[], options: { numeric?: readonly number[]; id?: string; label?: string } = {}): HTMLElement {
  const numeric = new Set(options.numeric ?? []);
  return h(
    "vscode-table",
    { id: options.id, zebra: true, "bordered-columns": true, resizable: true, "aria-label": options.label },
    h("vscode-table-header", { slot: "header" }, ...head.map((text, i) => h("vscode-table-header-cell", { className: numeric.has(i) ? "num" : undefined }, text))),
    h("vscode-table-body", { slot: "body" }, ...rows.map((cells) => h("vscode-table-row", {}, ...cells.map((text, i) => h("vscode-table-cell", { className: numeric.has(i) ? "num" : undefined }, text))))),
  );
}

function note(text: string, className = "note"): HTMLElement {
  return h("p", { className }, text);
}

function section(id: string, title: string, count: string | undefined, ...children: Child[]): HTMLElement {
  return h("section", { id, className: "section" }, h("h2", {}, title, count === undefined ? null : h("span", { className: "count" }, count)), ...children);
}

function disposeCharts(): void {
  for (const chart of charts) chart.dispose();
  charts = [];
}

function saveImage(image: ChartImage): void {
  post({ type: "saveImage", ...image });
}

/** Mounts the charts once their figures are in the page (they fit the width they find). */
function mountChart(host: HTMLElement, spec: unknown): void {
  const chart = new Chart(host, spec, { mode: "vega-lite", stretch: true, theme: () => readTheme(), save: saveImage });
  charts.push(chart);
  void chart.render();
}

function figure(chart: ReportChart): { element: HTMLElement; host?: HTMLElement } {
  const host = chart.spec ? h("div", { className: "chart-host" }) : undefined;
  const element = h("figure", { id: `chart-${chart.id}`, className: "figure", "aria-label": chart.caption }, host, chart.note ? note(chart.note) : null);
  return { element, ...(host ? { host } : {}) };
}

interface ViewState {
  tab?: number;
}

function state(): ViewState {
  const saved = vscode.getState();
  return saved && typeof saved === "object" ? (saved as ViewState) : {};
}

function tabs(panels: { title: string; count?: number; content: HTMLElement }[]): HTMLElement {
  const selected = Math.min(state().tab ?? 0, panels.length - 1);
  const element = h(
    "vscode-tabs",
    { "selected-index": selected, className: "tabs" },
    ...panels.flatMap(({ title, count, content }) => [
      h("vscode-tab-header", { slot: "header", "data-tab": title.toLowerCase() }, title, count === undefined ? null : h("vscode-badge", { variant: "counter", slot: "content-after" }, String(count))),
      h("vscode-tab-panel", {}, content),
    ]),
  );
  element.addEventListener("vsc-tabs-select", (event) => vscode.setState({ ...state(), tab: (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex }));
  return element;
}

function decision(excerpt: DecisionExcerpt, open: boolean): HTMLElement {
  const calls = excerpt.calls.length
    ? h(
        "ol",
        { className: "calls" },
        ...excerpt.calls.map((call) =>
          h("li", {}, h("code", { className: "tool" }, call.name), " ", h("code", { className: "arguments" }, call.arguments), call.result === undefined ? null : h("span", { className: "arrow" }, " → "), call.result === undefined ? null : h("code", { className: "result" }, call.result)),
        ),
      )
    : null;
  return h(
    "vscode-collapsible",
    { heading: excerpt.time, description: excerpt.facts.join(" · "), open, className: `decision${excerpt.eventful ? " eventful" : ""}`, "data-step": excerpt.step },
    excerpt.eventful ? h("vscode-badge", { slot: "decorations" }, "trade or refusal") : null,
    h("div", { className: "decision-body" }, calls, excerpt.final === null ? null : h("blockquote", { className: "final" }, excerpt.final), excerpt.other === null ? null : h("pre", { className: "other" }, excerpt.other)),
  );
}

function renderReport(data: RunReportData): void {
  disposeCharts();
  const { card } = data;
  document.title = `Report: ${card.ref}`;
  const figures = data.charts.map(figure);
  const metrics = data.metrics;
  const half = metrics ? Math.ceil(metrics.length / 2) : 0;
  const overview = h(
    "div",
    { className: "panel" },
    section("charts", "Charts", undefined, ...figures.map((f) => f.element), note(data.notes.join(" "))),
    section(
      "metrics",
      "Metrics",
      undefined,
      metrics
        ? h(
            "div",
            { className: "metrics-columns" },
            ...[metrics.slice(0, half), metrics.slice(half)].map((part) =>
              table(
                ["Metric", "Value"],
                part.map((field) => [field.label, field.value]),
                { numeric: [1], label: "Metrics" },
              ),
            ),
          )
        : note(`The run recorded no metrics (it is ${card.status}).`),
    ),
  );
  const trades = h(
    "div",
    { className: "panel" },
    section(
      "trades",
      "Trades",
      `${data.trades.total.toLocaleString("en-US")} fills`,
      data.trades.total === 0 ? note("No trades.") : table(data.trades.head, data.trades.rows, { numeric: data.trades.numeric, id: "trades-table", label: "Trades" }),
      data.trades.more > 0 ? note(`${data.trades.more.toLocaleString("en-US")} more not shown (every fill is in the run file).`) : null,
    ),
    section(
      "blocked",
      "Blocked orders",
      data.blocked.total.toLocaleString("en-US"),
      data.blocked.total === 0
        ? note("No order was refused.")
        : table(
            ["Time (New York)", "Symbol", "Side", "Rule", "Reason"],
            data.blocked.rows.map((b) => [b.time, b.symbol, b.side, b.rule, b.reason]),
            { id: "blocked-table", label: "Blocked orders" },
          ),
      data.blocked.total > data.blocked.rows.length ? note(`${(data.blocked.total - data.blocked.rows.length).toLocaleString("en-US")} more not shown.`) : null,
    ),
  );
  const { excerpts, omitted, total } = data.decisions;
  const decisions = h(
    "div",
    { className: "panel" },
    section(
      "decisions",
      "Decisions",
      `${total.toLocaleString("en-US")} recorded`,
      note("The model's tool calls and final message at each decision shown: the eventful ones (a trade, a refusal, the step limit) and the first few."),
      ...excerpts.map((excerpt, i) => decision(excerpt, i === 0 || excerpt.eventful)),
      omitted > 0 ? note(`${omitted.toLocaleString("en-US")} more decisions not shown (every decision is in the run file: aibt runs show ${card.ref}).`) : null,
    ),
  );
  const snapshot = h(
    "div",
    { className: "panel" },
    section(
      "snapshot",
      "Strategy snapshot",
      undefined,
      h(
        "vscode-collapsible",
        { heading: "Settings", description: "frozen when the run started", open: true, id: "snapshot-settings" },
        h("pre", { className: "json" }, JSON.stringify(data.snapshot, null, 2)),
      ),
      h(
        "vscode-collapsible",
        { heading: "Run", description: card.ref, id: "snapshot-run" },
        table(
          ["Field", "Value"],
          [
            ["Run", card.ref],
            ["Mode", card.mode],
            ["Status", card.status],
            ["Data", card.range],
            ["Steps", `${card.stepsDone.toLocaleString("en-US")} of ${card.stepsTotal.toLocaleString("en-US")}`],
            ["Started", card.startedAt],
            ["Ended", card.endedAt ?? "not yet"],
            ["Run file", data.file],
          ],
          { label: "Run" },
        ),
      ),
    ),
  );
  const panels = [
    { title: "Overview", content: overview },
    { title: "Trades", count: data.trades.total, content: trades },
    ...(total > 0 ? [{ title: "Decisions", count: total, content: decisions }] : []),
    { title: "Snapshot", content: snapshot },
  ];
  show(
    h(
      "header",
      { className: "report-header" },
      h("p", { className: "eyebrow" }, "AIBT run report"),
      h("h1", {}, data.title),
      h("p", { className: "facts" }, ...data.facts.map((fact) => h("span", {}, fact))),
      h("p", { className: "started" }, `Started ${card.startedAt}${card.endedAt ? `, ended ${card.endedAt}` : ""} · status `, h("vscode-badge", { className: `status ${card.status}` }, card.status)),
      h(
        "div",
        { className: "actions" },
        button("Compare with…", "git-compare", { type: "compareWith", ref: card.ref }),
        button("Open snapshot", "json", { type: "openSnapshot", ref: card.ref }, { secondary: true }),
        button("Reveal run file", "folder-opened", { type: "revealRunFile", ref: card.ref }, { secondary: true }),
        card.status === "running" ? button("Refresh", "refresh", { type: "refresh" }, { secondary: true }) : null,
      ),
    ),
    card.statusNote ? h("p", { className: `banner ${card.status}`, role: "status" }, card.statusNote, card.error ? ` ${card.error}` : "") : null,
    data.kpis.length
      ? h(
          "section",
          { className: "kpis", "aria-label": "Headline numbers" },
          ...data.kpis.map((kpi) => h("div", { className: "kpi" }, h("span", { className: "label" }, kpi.label), h("span", { className: `value ${kpi.tone}` }, kpi.value))),
        )
      : null,
    tabs(panels),
  );
  for (const [i, chart] of data.charts.entries()) {
    const host = figures[i]!.host;
    if (host && chart.spec) mountChart(host, chart.spec);
  }
}

function renderComparison(data: ComparisonData): void {
  disposeCharts();
  document.title = `Compare: ${data.title}`;
  const two = data.runs.length === 2;
  const chartHost = data.chart ? h("div", { className: "chart-host" }) : null;
  show(
    h(
      "header",
      { className: "report-header" },
      h("p", { className: "eyebrow" }, "AIBT run comparison"),
      h("h1", {}, data.title),
      h(
        "div",
        { className: "runs" },
        ...data.runs.map((run, i) =>
          h(
            "div",
            { className: "run-card" },
            h("p", { className: "eyebrow" }, two ? (i === 0 ? "A" : "B") : `Run ${i + 1}`),
            h("h2", {}, run.ref),
            h("p", {}, run.title),
            h("p", { className: "facts" }, h("span", {}, `${run.mode} run`), h("span", {}, run.range), h("span", {}, `${run.stepsDone.toLocaleString("en-US")} bars`)),
            h("p", {}, "status ", h("vscode-badge", { className: `status ${run.status}` }, run.status)),
            run.error ? h("p", { className: "banner failed" }, run.error) : null,
            h("div", { className: "actions" }, button("Open report", "graph-line", { type: "openRun", ref: run.ref }, { secondary: true })),
          ),
        ),
      ),
    ),
    section("comparison-chart", "Equity", undefined, chartHost ? h("figure", { className: "figure", id: "chart-comparison" }, chartHost) : null, data.chartNote ? note(data.chartNote) : null),
    section(
      "comparison-metrics",
      "Metrics",
      undefined,
      table(
        ["Metric", ...data.runs.map((run, i) => (two ? `${i === 0 ? "A" : "B"}: ${run.ref}` : run.ref)), ...(two ? ["Difference (B − A)"] : [])],
        data.metrics.map((metric) => [metric.label, ...metric.values, ...(two ? [metric.difference ?? ""] : [])]),
        { numeric: data.runs.map((_, i) => i + 1).concat(two ? [3] : []), id: "comparison-metrics-table", label: "Metrics side by side" },
      ),
    ),
    section(
      "snapshot-differences",
      "Settings that differ",
      data.snapshotDifferences.length.toLocaleString("en-US"),
      data.snapshotDifferences.length === 0
        ? note("The runs were made with the same settings.")
        : table(
            ["Setting", ...data.runs.map((run, i) => (two ? `${i === 0 ? "A" : "B"}: ${run.ref}` : run.ref))],
            data.snapshotDifferences.map((difference) => [difference.path, ...difference.values]),
            { id: "snapshot-differences-table", label: "Settings that differ" },
          ),
    ),
  );
  if (chartHost && data.chart) mountChart(chartHost, data.chart);
}

function renderError(title: string, message: string, hint?: string): void {
  disposeCharts();
  show(
    h(
      "section",
      { className: "error-view", role: "alert" },
      h("h1", {}, title),
      h("p", { className: "message" }, message),
      hint ? h("p", { className: "hint" }, hint) : null,
      h("div", { className: "actions" }, button("Try again", "refresh", { type: "refresh" })),
    ),
  );
}

window.addEventListener("message", (event: MessageEvent<ToReportWebview>) => {
  const message = event.data;
  if (!message || typeof message !== "object") return;
  try {
    if (message.type === "report") renderReport(message.data);
    else if (message.type === "comparison") renderComparison(message.data);
    else if (message.type === "error") renderError(message.title, message.message, message.hint);
  } catch (error) {
    renderError("The report could not be shown", error instanceof Error ? error.message : String(error), "This is a bug in AIBT's report view; please report it with the run.");
  }
});

watchTheme(() => {
  for (const chart of charts) void chart.render();
});

post({ type: "ready" });
