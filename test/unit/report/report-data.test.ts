// The report as data (what the editor's report webview shows), from real recorded runs: plain JSON,
// text never escaped into HTML, the same rows and numbers as the HTML report, and two runs compared.
import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricDifference, summaryFields, summaryRows } from "../../../src/charts/display";
import { VEGA_LITE_SCHEMA } from "../../../src/charts/theme";
import { InputError } from "../../../src/errors";
import { comparisonData, runReportData } from "../../../src/report/index";
import type { ComparisonData, RunReportData } from "../../../src/report/index";
import { backtest } from "../../../src/run/backtest";
import { replay } from "../../../src/run/replay";
import type { Strategy } from "../../../src/strategy/strategy";
import { RunStore } from "../../../src/store/runs";
import { NDX_DAILY, renderClean, RTH, tempWorkspace } from "../charts/chart-fixtures";

const SCRIPT = `<script>alert("x")</script>`;

async function dataOf(workspace: string, ref: string, options: { maxMessage?: number } = {}): Promise<RunReportData> {
  const reader = await new RunStore(workspace).open(ref);
  try {
    return await runReportData(reader, { workspace, cwd: workspace, ...options });
  } finally {
    reader.close();
  }
}

describe("runReportData of a recorded intraday replay (opening-range, SPY 2013-10-10)", () => {
  let workspace: string;
  let data: RunReportData;
  beforeAll(async () => {
    workspace = tempWorkspace();
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
    data = await dataOf(workspace, "opening-range/run-0001");
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("is plain JSON: it survives a round trip (what postMessage does to it) unchanged", () => {
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("names the run: title, card, facts and headline numbers", async () => {
    expect(data.kind).toBe("run-report");
    expect(data.title).toBe("opening-range on SPY");
    expect(data.card).toMatchObject({ ref: "opening-range/run-0001", modelId: "opening-range", runId: "run-0001", number: 1, mode: "intraday", status: "completed", strategy: "opening-range", symbol: "SPY", error: null, statusNote: null });
    expect(data.card.range).toBe("2013-10-10, regular session, 1-minute bars from intraday_1min_lean_algoseek_rth.csv");
    expect(data.facts).toEqual(["opening-range/run-0001", "intraday run", data.card.range, `${data.card.stepsDone} bars`]);
    expect(data.card.stepsDone).toBeGreaterThan(300);
    expect(data.kpis.map((k) => k.label)).toEqual(["Total return", "SPY buy-and-hold", "Sharpe", "Max drawdown", "Trades", "Win rate", "Exposure", "Final equity"]);
    expect(data.kpis[0]).toMatchObject({ tone: "gain" });
    expect(data.kpis[0]!.value).toMatch(/^\+0\.\d\d%$/);
    expect(data.file).toBe(path.join(workspace, ".aibt", "runs", "opening-range", "run-0001.sqlite"));
  });

  it("has every recorded metric as the HTML report shows it (summaryRows)", async () => {
    const reader = await new RunStore(workspace).open("opening-range/1");
    const metrics = reader.card().metrics!;
    reader.close();
    expect(data.metrics!.map((m) => [m.label, m.value])).toEqual(summaryRows(metrics));
    expect(data.metrics!.find((m) => m.key === "totalReturn")!.label).toBe("Total return");
  });

  it("holds the five charts as Vega-Lite specs with tooltips, each of which renders cleanly", async () => {
    expect(data.charts.map((c) => c.id)).toEqual(["equity", "drawdown", "candles", "exposure", "returns"]);
    for (const chart of data.charts) {
      expect(chart.spec, chart.id).toBeDefined();
      expect(chart.spec!.$schema).toBe(VEGA_LITE_SCHEMA);
      expect(chart.note, chart.id).toBeUndefined();
      await renderClean(chart.spec!);
    }
    expect(data.charts[0]!.caption).toBe("Equity against SPY buy-and-hold");
    // Tooltips are on (a webview can hover): the equity chart carries its invisible hover layer.
    expect(JSON.stringify(data.charts[0]!.spec)).toContain('"tooltip"');
    expect(data.charts[2]!.caption).toBe("SPY with the run's trades");
    expect(data.notes).toEqual(["Times are New York time."]);
  });

  it("lists the fills as text rows, and no blocked orders or decisions", () => {
    expect(data.trades.head).toEqual(["Time (New York)", "Trade", "Symbol", "Quantity", "Price", "Commission", "Reason"]);
    expect(data.trades.total).toBe(2);
    expect(data.trades.rows).toHaveLength(2);
    expect(data.trades.rows[1]).toEqual([expect.stringMatching(/^2013-10-10 \d\d:\d\d$/), "target", "SPY", expect.any(String), expect.any(String), expect.stringMatching(/^\$/), "bracket target"]);
    expect(data.trades.numeric).toEqual([3, 4, 5]);
    expect(data.trades.more).toBe(0);
    expect(data.blocked).toEqual({ total: 0, rows: [] });
    expect(data.decisions).toEqual({ total: 0, omitted: 0, excerpts: [] });
    expect(data.snapshot).toMatchObject({ strategy: "opening-range", rangeBars: 15 });
  });

  it("sizes the charts as asked, and leaves the tooltips out for a static rendering", async () => {
    const narrow = await dataOf(workspace, "opening-range/1");
    const reader = await new RunStore(workspace).open("opening-range/1");
    const staticData = await runReportData(reader, { workspace, chartWidth: 500, tooltips: false });
    reader.close();
    expect(narrow.charts[0]!.spec!.width).toBe(900);
    expect(staticData.charts[0]!.spec!.width).toBe(500);
    expect(JSON.stringify(staticData.charts[0]!.spec)).not.toContain('"tooltip"');
  });
});

describe("runReportData: what strategies and models wrote stays text", () => {
  let workspace: string;
  let data: RunReportData;
  beforeAll(async () => {
    workspace = tempWorkspace();
    const long = `The move is done. ${"word ".repeat(300)}`;
    const probe: Strategy = {
      name: "probe",
      onBar(ctx) {
        const step = ctx.view.step;
        if (step === 20) {
          ctx.buy("SPY", 10, SCRIPT);
          ctx.recordDecision({
            decision: { final: `Buying ten. ${SCRIPT}`, rounds: 2, trades: [{ status: "accepted" }], refused: [] },
            reasoning: [
              { role: "system", content: "the system prompt" },
              { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "buy", arguments: JSON.stringify({ symbol: "SPY", quantity: 10 }) } }] },
              { role: "tool", tool_call_id: "c1", content: JSON.stringify({ status: "accepted" }) },
              { role: "assistant", content: `Buying ten. ${SCRIPT}` },
            ],
          });
        }
        if (step === 30) ctx.recordDecision({ decision: { final: long, rounds: 1, trades: [], refused: [] }, reasoning: [] });
        if (step === 40) ctx.refuse("SPY", "buy", 5, "max-position", `too big ${SCRIPT}`);
        if (step === 60) ctx.sell("SPY", "all", "exit");
      },
    };
    await backtest({ data: RTH(), symbol: "SPY", from: "2013-10-07", to: "2013-10-07", strategy: probe, workspace });
    data = await dataOf(workspace, "probe/run-0001", { maxMessage: 4_000 });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("keeps reasons, refusals and decisions as raw text, for the webview to set as text", () => {
    expect(data.trades.rows[0]![6]).toBe(SCRIPT);
    expect(data.blocked.total).toBe(1);
    expect(data.blocked.rows[0]).toEqual({ time: expect.stringMatching(/^2013-10-07 \d\d:\d\d$/), symbol: "SPY", side: "buy", rule: "max-position", reason: `too big ${SCRIPT}` });
    expect(JSON.stringify(data)).not.toContain("&lt;");
  });

  it("has the decisions with their tool calls and final message, the system prompt left out", () => {
    expect(data.decisions.total).toBe(2);
    expect(data.decisions.omitted).toBe(0);
    const [first, second] = data.decisions.excerpts;
    expect(first).toMatchObject({ step: 20, facts: ["step 21", "2 rounds", "1 tool call"], eventful: true, final: `Buying ten. ${SCRIPT}`, other: null });
    expect(first!.time).toMatch(/^2013-10-07 \d\d:\d\d$/);
    expect(first!.calls).toEqual([{ name: "buy", arguments: '{"symbol":"SPY","quantity":10}', result: '{"status":"accepted"}' }]);
    expect(JSON.stringify(data.decisions)).not.toContain("the system prompt");
    // The webview's longer limit keeps the whole message (the HTML report cuts at 600 characters).
    expect(second!.final).toHaveLength(`The move is done. ${"word ".repeat(300)}`.length);
    expect(second!.eventful).toBe(false);
  });
});

describe("runReportData without the run's bars", () => {
  it("says why there are no candles and no benchmark line", async () => {
    const workspace = tempWorkspace();
    const copy = path.join(workspace, "minutes.csv");
    copyFileSync(RTH(), copy);
    await replay({ data: copy, symbol: "SPY", date: "2013-10-07", strategy: "opening-range", workspace });
    rmSync(copy);
    const data = await dataOf(workspace, "opening-range/run-0001");
    const candles = data.charts.find((c) => c.id === "candles")!;
    expect(candles.spec).toBeUndefined();
    expect(candles.note).toBe(`No candlestick chart: the run's data file ${copy} is not there any more.`);
    expect(data.charts[0]!.note).toMatch(/^No benchmark line: /);
    expect(data.charts[0]!.spec).toBeDefined();
    rmSync(workspace, { recursive: true, force: true });
  });
});

describe("comparisonData", () => {
  let workspace: string;
  let store: RunStore;
  beforeAll(async () => {
    workspace = tempWorkspace();
    store = new RunStore(workspace);
    const common = { data: NDX_DAILY(), symbol: "AAPL", from: "2015-01-02", to: "2017-12-29", strategy: "sma-cross" as const, slow: 50, commission: 0.001, workspace };
    await backtest({ ...common, fast: 10 });
    await backtest({ ...common, fast: 20 });
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", strategy: "opening-range", workspace });
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("puts two runs' metrics side by side with the difference, and the settings that differ", async () => {
    const data: ComparisonData = await comparisonData(store, ["sma-cross/1", "sma-cross/run-0002"]);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(data.kind).toBe("comparison");
    expect(data.title).toBe("sma-cross/run-0001 vs sma-cross/run-0002");
    expect(data.runs.map((r) => [r.ref, r.title, r.mode, r.status])).toEqual([
      ["sma-cross/run-0001", "sma-cross on AAPL", "daily", "completed"],
      ["sma-cross/run-0002", "sma-cross on AAPL", "daily", "completed"],
    ]);
    const compared = await store.compare(["sma-cross/1", "sma-cross/2"]);
    const total = data.metrics.find((m) => m.key === "totalReturn")!;
    const [a, b] = compared.metrics.find((m) => m.name === "totalReturn")!.values as [number, number];
    expect(total.label).toBe("Total return");
    expect(total.raw).toEqual([a, b]);
    expect(total.values).toEqual([`${(a * 100).toFixed(2)}%`, `${(b * 100).toFixed(2)}%`]);
    expect(total.difference).toBe(`${b > a ? "+" : "-"}${(Math.abs(b - a) * 100).toFixed(2)}%`);
    // Metrics in the summary's reading order; text metrics have no difference; no LLM rows for coded runs.
    expect(data.metrics.map((m) => m.key)).toEqual(summaryFields(compared.runs[0]!.metrics!).map((f) => f.key));
    expect(data.metrics.find((m) => m.key === "symbol")).toMatchObject({ values: ["AAPL", "AAPL"], difference: null });
    expect(data.metrics.some((m) => m.key.startsWith("llm") || m.key.startsWith("tokens"))).toBe(false);
    expect(data.snapshotDifferences).toEqual(compared.snapshotDifferences.map((d) => ({ path: d.path, values: d.values.map((v) => JSON.stringify(v)) })));
    expect(data.snapshotDifferences.map((d) => d.path)).toContain("fast");
    expect(data.snapshotDifferences.find((d) => d.path === "fast")!.values).toEqual(["10", "20"]);
  });

  it("draws both runs' equity on one chart over time, or from the first bar when their periods do not overlap", async () => {
    const daily = await comparisonData(store, ["sma-cross/1", "sma-cross/2"]);
    expect(daily.chart).not.toBeNull();
    expect(daily.chartNote).toBeNull();
    const dailyValues = (daily.chart!.data as { values: { run: string }[] }).values;
    expect(new Set(dailyValues.map((v) => v.run))).toEqual(new Set(["sma-cross/run-0001", "sma-cross/run-0002"]));
    expect(JSON.stringify(daily.chart)).toContain('"type":"temporal"');
    await renderClean(daily.chart!);
    const sessions = await comparisonData(store, ["opening-range/1", "opening-range/2"]);
    expect(JSON.stringify(sessions.chart)).toContain('"title":"Bars since the start"');
    expect(sessions.runs.map((r) => r.range)).toEqual([expect.stringMatching(/^2013-10-07, regular session/), expect.stringMatching(/^2013-10-10, regular session/)]);
    await renderClean(sessions.chart!);
  });

  it("compares a run with itself (two names on the chart), and refuses a run that is not there", async () => {
    const same = await comparisonData(store, ["sma-cross/1", "sma-cross/run-0001"]);
    expect(same.snapshotDifferences).toEqual([]);
    expect(same.metrics.every((m) => m.difference === null || /^[^+-]/.test(m.difference))).toBe(true);
    await renderClean(same.chart!);
    await expect(comparisonData(store, ["sma-cross/1", "sma-cross/9"])).rejects.toThrow(InputError);
    await expect(comparisonData(store, ["sma-cross/1", "sma-cross/9"])).rejects.toThrow(/no run sma-cross\/9.*Runs of sma-cross: run-0001, run-0002/);
  });
});

describe("metricDifference", () => {
  it("writes the second value less the first in the metric's unit, unsigned when it rounds to nothing", () => {
    expect(metricDifference("totalReturn", 0.1, 0.1525)).toBe("+5.25%");
    expect(metricDifference("maxDrawdown", 0.2, 0.15)).toBe("-5.00%");
    expect(metricDifference("finalEquity", 1_000, 980)).toBe("-$20.00");
    expect(metricDifference("fills", 10, 13)).toBe("+3");
    expect(metricDifference("sharpe", 1.2, 1.2)).toBe("0.00");
    expect(metricDifference("turnover", 2, 3.5)).toBe("+1.5x");
    expect(metricDifference("symbol", "AAPL", "MSFT")).toBeUndefined();
    expect(metricDifference("profitFactor", null, 2)).toBeUndefined();
    expect(metricDifference("totalReturn", 0.1, Number.NaN)).toBeUndefined();
  });
});
