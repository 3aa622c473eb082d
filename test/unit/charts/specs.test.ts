// Every chart builder on real runs: a valid Vega-Lite spec (the published JSON Schema) that compiles
// and renders with vega WITHOUT one warning; New York time whatever the machine's zone; trade markers.
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { candlestickChart, mergeCandles } from "../../../src/charts/candles";
import { buyAndHoldCurve, candlesOf, chartDataFromResult, chartDataFromRun, tradeKind } from "../../../src/charts/chart-data";
import type { RunChartData } from "../../../src/charts/chart-data";
import { comparisonChart, costReturnChart, runCostOf } from "../../../src/charts/comparison";
import { drawdownChart, equityChart, exposureChart, histogramOf, returnsChart } from "../../../src/charts/run-charts";
import { chartConfig, VEGA_LITE_SCHEMA } from "../../../src/charts/theme";
import type { ChartSpec } from "../../../src/charts/theme";
import { chartTime } from "../../../src/charts/time";
import { loadDataFile } from "../../../src/data/feeds";
import { sliceByDay } from "../../../src/data/series";
import { InputError } from "../../../src/errors";
import { replay } from "../../../src/run/replay";
import { RunStore } from "../../../src/store/runs";
import { repoRoot } from "../../shared-data";
import { aaplDaily, renderClean, RTH, spyBars, SPY_DAYS, spySession, tempWorkspace } from "./chart-fixtures";

let validate: (spec: unknown) => boolean;
let schemaErrors: () => unknown;
beforeAll(() => {
  // The schema Vega-Lite publishes: a misspelt property (strokDash) compiles silently, so check the JSON too.
  const schema = JSON.parse(readFileSync(path.join(repoRoot, "node_modules/vega-lite/build/vega-lite-schema.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: false });
  const check = ajv.compile(schema);
  validate = (spec) => check(spec) as boolean;
  schemaErrors = () => check.errors;
});

async function expectGoodSpec(spec: ChartSpec): Promise<string> {
  expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
  expect(validate(spec), JSON.stringify(schemaErrors())).toBe(true);
  // Plain JSON: survives a round trip unchanged (no typed arrays, functions or undefined).
  expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  return renderClean(spec);
}

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe("chart builders on real runs", () => {
  it("equity, drawdown, exposure and returns of an intraday replay (SPY 2013-10-07) render cleanly", async () => {
    const data = chartDataFromResult(await spySession("2013-10-07"));
    for (const theme of ["light", "dark"] as const) {
      for (const build of [equityChart, drawdownChart, exposureChart, returnsChart]) await expectGoodSpec(build(data, { theme }));
    }
  });

  it("the same charts of ten years of daily bars (AAPL sma-cross) render cleanly", async () => {
    const data = chartDataFromResult(await aaplDaily());
    for (const build of [equityChart, drawdownChart, exposureChart, returnsChart]) await expectGoodSpec(build(data));
  });

  it("candlesticks with volume and every kind of trade marker render cleanly, with the trade's details in the tooltip", async () => {
    const fills = (await Promise.all(SPY_DAYS.map(spySession))).flatMap((session) => session.fillLog);
    const kinds = new Set(fills.map(tradeKind));
    expect([...kinds].sort()).toEqual(["buy", "sell", "stop", "target"]);
    const spec = candlestickChart(candlesOf(spyBarsOfWeek()), fills, { maxCandles: 10_000 });
    const svg = await expectGoodSpec(spec);
    const price = (spec.vconcat as { layer: { data?: { values: Record<string, unknown>[] }; encoding: Record<string, any> }[] }[])[0]!;
    const markers = price.layer.find((l) => l.encoding.shape)!;
    expect(markers.encoding.shape.scale).toEqual({ domain: ["buy", "sell", "stop", "target"], range: ["triangle-up", "triangle-down", "square", "diamond"] });
    expect(new Set(markers.encoding.fill.scale.range).size).toBe(4);
    expect(markers.encoding.tooltip.map((t: { field: string }) => t.field)).toEqual(["time", "kind", "price", "quantity", "reason"]);
    expect(markers.data!.values).toHaveLength(fills.length);
    const stop = markers.data!.values.find((m) => m.kind === "stop")!;
    expect(stop).toMatchObject({ reason: "bracket stop", side: "sell" });
    expect(stop.time).toMatch(/^2013-10-08 \d\d:\d\d -04:00$/);
    expect(svg).toContain("Volume");
  });

  it("a 390-candle session with its trades, and merged candles for long histories that keep the highs and lows", async () => {
    const result = await spySession("2013-10-07");
    const bars = spyBars(20131007);
    expect(bars.length).toBe(390);
    const spec = candlestickChart(candlesOf(bars), result.fillLog);
    await expectGoodSpec(spec);
    expect((spec.data as { values: unknown[] }).values).toHaveLength(390);
    const daily = await aaplDaily();
    const long = candlestickChart({ symbol: "AAPL", time: daily.times, open: daily.benchmarkCurve, high: daily.benchmarkCurve, low: daily.benchmarkCurve, close: daily.benchmarkCurve }, daily.fillLog, { maxCandles: 300 });
    await expectGoodSpec(long);
    expect((long.data as { values: unknown[] }).values.length).toBeLessThanOrEqual(300);
    const merged = mergeCandles(candlesOf(bars), 7);
    expect(merged.time.length).toBe(Math.ceil(390 / 7));
    expect(Math.max(...Array.from(merged.high))).toBe(Math.max(...bars.high));
    expect(Math.min(...Array.from(merged.low))).toBe(Math.min(...bars.low));
    expect(merged.open[0]).toBe(bars.open[0]);
    expect(merged.close[merged.close.length - 1]).toBe(bars.close[bars.length - 1]);
    expect(Array.from(merged.volume!).reduce((a, b) => a + b, 0)).toBeCloseTo(bars.volume.reduce((a, b) => a + b, 0), 6);
  });

  it("model comparison (normalized to 1) and LLM cost against return render cleanly", async () => {
    const runs = await Promise.all(["2013-10-07", "2013-10-08", "2013-10-10"].map(spySession));
    const compared = runs.map((r, i) => ({ name: `session ${i + 1}`, times: r.times, equity: r.equityCurve }));
    const spec = comparisonChart(compared);
    await expectGoodSpec(spec);
    const values = (spec.data as { values: { run: string; growth: number }[] }).values;
    for (const name of ["session 1", "session 2", "session 3"]) expect(values.find((v) => v.run === name)!.growth).toBe(1);
    expect(() => comparisonChart([compared[0]!, compared[0]!])).toThrow(/both named/);
    // Sessions on different days, lined up from their first bar.
    const byBar = comparisonChart(compared, { x: "bars" });
    await expectGoodSpec(byBar);
    expect((byBar.layer as { encoding?: { x?: { field: string } } }[])[1]!.encoding!.x!.field).toBe("bar");
    // Days apart on a time axis: ticks on whole days, each date once.
    const svg = await renderClean(spec);
    const dates = [...svg.matchAll(/>(Oct \d\d)</g)].map((m) => m[1]);
    expect(dates.length).toBeGreaterThan(1);
    expect(new Set(dates).size).toBe(dates.length);
    const costs = costReturnChart([
      { name: "gpt/run-0001", cost: 0.0123, totalReturn: 0.031, model: "gpt", tokens: 12_000, sharpe: 1.2 },
      { name: "claude/run-0001", cost: 0.02, totalReturn: -0.012, model: "claude" },
      { name: "no-price/run-0001", cost: null, totalReturn: 0.1 },
    ]);
    await expectGoodSpec(costs);
    expect((costs.data as { values: unknown[] }).values).toHaveLength(2);
    expect(JSON.stringify(costs.title)).toContain("1 run without a cost left out");
    expect(() => costReturnChart([{ name: "a", cost: null, totalReturn: 0 }])).toThrow(InputError);
    expect(runCostOf({ id: "run-0003", modelId: "m", metrics: { llmCost: 0.5, totalReturn: 0.02, tokensIn: 10, tokensOut: 5, sharpe: 1 } } as never)).toEqual({
      name: "m/run-0003",
      cost: 0.5,
      totalReturn: 0.02,
      tokens: 15,
      sharpe: 1,
    });
  });

  it("a run that never traded and a run of two bars still render cleanly", async () => {
    const flat = chartDataFromResult(await replay({ data: RTH(), symbol: "IBM", date: "2013-10-08", strategy: "opening-range" }));
    expect(flat.fills).toHaveLength(0);
    for (const build of [equityChart, drawdownChart, exposureChart, returnsChart]) await expectGoodSpec(build(flat));
    await expectGoodSpec(candlestickChart(candlesOf(spyBars(20131008)), []));
    const tiny: RunChartData = { title: "tiny", symbol: "X", times: [Date.UTC(2020, 0, 2, 14, 30), Date.UTC(2020, 0, 3, 14, 30)], equity: [100, 101], fills: [] };
    for (const build of [equityChart, drawdownChart, exposureChart, returnsChart]) await expectGoodSpec(build(tiny));
  });
});

describe("time on charts is New York time", () => {
  it("shifts instants to New York wall-clock time, across daylight saving", () => {
    expect(chartTime(Date.parse("2013-10-07T13:30:00Z"))).toBe(Date.parse("2013-10-07T09:30:00Z")); // EDT
    expect(chartTime(Date.parse("2013-12-02T14:30:00Z"))).toBe(Date.parse("2013-12-02T09:30:00Z")); // EST
  });

  it("axis labels and tooltips read the same on machines in any time zone", async () => {
    const data = chartDataFromResult(await spySession("2013-10-07"));
    const spec = equityChart(data);
    // The tooltip's text is on the hover rows; the line's rows carry only the instant it plots.
    const hover = (spec.layer as { data?: { values: { time: string }[] } }[]).find((layer) => layer.data)!;
    expect(hover.data!.values[0]!.time).toBe("2013-10-07 09:30 -04:00");
    expect(Object.keys((spec.data as { values: object[] }).values[0]!)).toEqual(["t", "series", "value"]);
    const svgs: string[] = [];
    for (const zone of ["UTC", "Asia/Tokyo", "America/Los_Angeles", "America/New_York"]) {
      process.env.TZ = zone;
      expect(new Date(0).getTimezoneOffset()).toBe({ UTC: 0, "Asia/Tokyo": -540, "America/Los_Angeles": 480, "America/New_York": 300 }[zone]);
      svgs.push(await renderClean(spec));
    }
    for (const svg of svgs) expect(svg).toBe(svgs[0]);
    // The session is 09:30-16:00 in New York (13:30-20:00 UTC): hours 10 to 15 are labelled, 19 is not.
    const labels = [...svgs[0]!.matchAll(/>(\d\d:\d\d)</g)].map((m) => m[1]);
    expect(labels).toContain("10:00");
    expect(labels).toContain("15:00");
    expect(labels).not.toContain("19:00");
  });
});

describe("chart data", () => {
  it("a recorded run gives the same curves and fills as the result that recorded it", async () => {
    const workspace = tempWorkspace();
    const result = await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
    const reader = await new RunStore(workspace).open("opening-range/run-0001");
    try {
      const fromResult = chartDataFromResult(result);
      const fromRun = chartDataFromRun(reader, { benchmark: { name: "SPY", bars: candlesOf(spyBars(20131010)) } });
      expect(Array.from(fromRun.times)).toEqual(Array.from(fromResult.times));
      expect(Array.from(fromRun.equity)).toEqual(Array.from(fromResult.equity));
      expect(Array.from(fromRun.exposure!)).toEqual(Array.from(fromResult.exposure!));
      expect(fromRun.fills.map((f) => [f.time, f.side, f.quantity, f.price, f.reason])).toEqual(fromResult.fills.map((f) => [f.time, f.side, f.quantity, f.price, f.reason]));
      const benchmark = Array.from(fromRun.benchmark!.equity);
      Array.from(fromResult.benchmark!.equity).forEach((v, i) => expect(benchmark[i]).toBeCloseTo(v, 6));
      expect(fromRun.title).toBe("opening-range/run-0001 on SPY");
      await expectGoodSpec(equityChart(fromRun));
    } finally {
      reader.close();
    }
  });

  it("buy-and-hold from bars forward-fills onto the run's steps and starts at the cash", () => {
    const curve = buyAndHoldCurve([1, 2, 3, 4, 5], { time: [2, 4], close: [10, 20] }, 1_000);
    expect(Array.from(curve)).toEqual([1_000, 1_000, 1_000, 2_000, 2_000]);
  });

  it("tells bracket legs from plain buys and sells", () => {
    expect(tradeKind({ side: "buy", reason: "breakout" })).toBe("buy");
    expect(tradeKind({ side: "sell", reason: null })).toBe("sell");
    expect(tradeKind({ side: "sell", reason: "bracket stop" })).toBe("stop");
    expect(tradeKind({ side: "buy", reason: "bracket target" })).toBe("target");
  });

  it("bins returns on edges that include 0", () => {
    const bins = histogramOf([-0.012, -0.001, 0.0005, 0.003, 0.003, 0.02], 10);
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(6);
    expect(bins.some((b) => b.from === 0 || b.to === 0)).toBe(true);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!.from).toBeCloseTo(bins[i - 1]!.to, 12);
    expect(histogramOf([], 10)).toEqual([]);
  });

  it("themes keep a transparent background and the Okabe-Ito palette", () => {
    for (const theme of ["light", "dark"] as const) {
      const config = chartConfig(theme) as { background: string; range: { category: string[] } };
      expect(config.background).toBe("transparent");
      expect(config.range.category).toContain("#0072B2");
    }
    expect((chartConfig("dark") as { axis: { labelColor: string } }).axis.labelColor).not.toBe((chartConfig("light") as { axis: { labelColor: string } }).axis.labelColor);
  });
});

/** SPY's minute bars of the six days, as one series. */
function spyBarsOfWeek() {
  const spy = loadDataFile(RTH()).series.find((s) => s.instrument.symbol === "SPY")!;
  return sliceByDay(spy, 20131004, 20131011);
}
