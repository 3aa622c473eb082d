// Display helpers for notebooks: mime bundles, HTML tables (escaped), markdown, and loud rendering.
import { describe, expect, it } from "vitest";
import { chartDataFromResult } from "../../../src/charts/chart-data";
import type { ChartFill } from "../../../src/charts/chart-data";
import { escapeHtml, markdownSummary, metricsTable, mimeBundle, tradesTable, VEGA_LITE_MIME } from "../../../src/charts/display";
import { ChartRenderError, compactSvg, renderChart, renderSvg } from "../../../src/charts/render";
import { drawdownChart, equityChart } from "../../../src/charts/run-charts";
import { VEGA_LITE_SCHEMA } from "../../../src/charts/theme";
import { summaryOf } from "../../../src/run/backtest";
import { aaplDaily, spySession } from "./chart-fixtures";

const SCRIPT = `<script>alert("x")</script>`;

describe("mimeBundle", () => {
  it("carries the Vega-Lite spec, an SVG rendering and the title as text", async () => {
    const spec = drawdownChart(chartDataFromResult(await spySession("2013-10-07")));
    const bundle = await mimeBundle(spec);
    expect(Object.keys(bundle).sort()).toEqual([VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort());
    expect(VEGA_LITE_MIME).toBe("application/vnd.vegalite.v5+json");
    expect(bundle[VEGA_LITE_MIME]).toBe(spec);
    expect(bundle[VEGA_LITE_MIME].$schema).toBe(VEGA_LITE_SCHEMA);
    expect(bundle["image/svg+xml"]).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(bundle["image/svg+xml"]).toMatch(/<\/svg>$/);
    expect(bundle["text/plain"]).toBe("Drawdown: opening-range on SPY");
    // JSON-serializable, as a kernel sends it.
    expect(JSON.parse(JSON.stringify(bundle))[VEGA_LITE_MIME]).toEqual(spec);
  });
});

describe("rendering fails loudly", () => {
  it("renderSvg throws on a Vega-Lite warning; renderChart returns the warnings", async () => {
    const bad = { $schema: VEGA_LITE_SCHEMA, data: { values: [{ a: 1 }] }, mark: "bar", encoding: { x: { field: "a", type: "quantitative" }, y: { aggregate: "nonsense", field: "a", type: "quantitative" } } };
    const { warnings } = await renderChart(bad);
    expect(warnings.length).toBeGreaterThan(0);
    await expect(renderSvg(bad)).rejects.toThrow(ChartRenderError);
    await expect(renderSvg(bad)).rejects.toThrow(/warning/);
  });

  it("escapes user text in the SVG, and compacts coordinates without touching text", async () => {
    const spec = equityChart(chartDataFromResult(await spySession("2013-10-07")), { title: `${SCRIPT} & 1.23456789` });
    const svg = await renderSvg(spec);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain("1.23456789");
    expect(svg).not.toMatch(/ (d|transform|x|y|width|height)="[^"]*\d\.\d{3}/);
    expect(compactSvg('<path d="M1.23456,2.5L3.999999,4"/><text x="1.23456">7.654321</text>')).toBe('<path d="M1.23,2.5L3.99,4"/><text x="1.23">7.654321</text>');
  });

  it("leaves the invisible hover points out of the static SVG, and keeps every mark that shows", async () => {
    const data = chartDataFromResult(await spySession("2013-10-07"));
    const spec = equityChart(data);
    const { svg } = await renderChart(spec);
    expect(svg).not.toMatch(/\sopacity="0"/);
    // The line itself is still there: one long path through the session's points.
    expect(Math.max(...[...svg.matchAll(/ d="([^"]*)"/g)].map((m) => m[1]!.length))).toBeGreaterThan(1_000);
    expect(svg.length).toBeLessThan(JSON.stringify(spec).length);
    expect(compactSvg('<g><path opacity="0" d="M0,0"/><path opacity="0.3" d="M1,1"/><path fill-opacity="0" d="M2,2"/><rect opacity="0"/></g>')).toBe(
      '<g><path opacity="0.3" d="M1,1"/><path fill-opacity="0" d="M2,2"/></g>',
    );
  });
});

describe("HTML and markdown", () => {
  it("escapes everything", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(escapeHtml(null)).toBe("");
  });

  it("metricsTable shows a real run's summary, formatted, and leaves out LLM rows for coded strategies", async () => {
    const summary = summaryOf(await aaplDaily());
    const html = metricsTable(summary);
    expect(html.startsWith('<table class="aibt-metrics">')).toBe(true);
    expect(html).toContain(`<th scope="row">Total return</th><td>${(summary.totalReturn * 100).toFixed(2)}%</td>`);
    expect(html).toContain(`<th scope="row">Sharpe</th><td>${summary.sharpe.toFixed(2)}</td>`);
    expect(html).toMatch(/Final equity<\/th><td>\$\d{3},\d{3}\.\d\d</);
    expect(html).not.toContain("LLM");
    // A recorded run's metrics (JSON: no Infinity) and an LLM run's rows.
    const recorded = metricsTable({ ...JSON.parse(JSON.stringify(summary)), profitFactor: null, llmCalls: 3, llmCost: 0.0125, strategy: SCRIPT });
    expect(recorded).toContain("<th scope=\"row\">Profit factor</th><td>∞</td>");
    expect(recorded).toContain("<th scope=\"row\">LLM cost</th><td>$0.0125</td>");
    expect(recorded).not.toContain("<script");
    expect(recorded).toContain("&lt;script&gt;");
  });

  it("tradesTable lists fills or round trips, escaping reasons (a reason holding <script> stays text)", async () => {
    const result = await spySession("2013-10-08");
    const fills: ChartFill[] = [...result.fillLog, { ...result.fillLog[0]!, reason: SCRIPT }];
    const html = tradesTable(fills);
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("<td>stop</td>");
    expect(html).toContain("<td>bracket stop</td>");
    expect(html).toMatch(/<td>2013-10-08 \d\d:\d\d<\/td><td>buy<\/td><td>SPY<\/td>/);
    expect(html.match(/<tr>/g)).toHaveLength(fills.length + 1);
    const trips = tradesTable((await aaplDaily()).tradeLog, { maxRows: 5 });
    expect(trips).toContain("<th>Entry price</th>");
    expect(trips.match(/<tr>/g)).toHaveLength(6);
    expect(trips).toMatch(/\d+ more not shown/);
    expect(trips).not.toMatch(/\d\d:\d\d/); // daily bars: dates only
    expect(tradesTable([])).toContain("No trades");
  });

  it("markdownSummary is a heading and a table, with pipes escaped", async () => {
    const summary = summaryOf(await aaplDaily());
    const md = markdownSummary(summary);
    const lines = md.split("\n");
    expect(lines[0]).toBe(`**sma-cross on AAPL**, ${summary.from} to ${summary.to}, ${summary.bars.toLocaleString("en-US")} bars`);
    expect(lines[2]).toBe("| Metric | Value |");
    expect(lines[3]).toBe("|---|---|");
    expect(md).toContain(`| Max drawdown | ${(summary.maxDrawdown * 100).toFixed(2)}% |`);
    expect(markdownSummary({ strategy: "a|b", totalReturn: 0.1 })).toContain("**a\\|b**");
  });
});
