/**
 * One run's charts as Vega-Lite specs: equity against its benchmark, the drawdown underwater, exposure
 * over time, and the distribution of per-bar returns. Pure functions: run data in, plain JSON out.
 */
import { drawdownSeries, maxDrawdownWindow } from "../metrics/drawdown";
import { simpleReturns } from "../metrics/returns";
import type { RunChartData } from "./chart-data";
import { downsampleIndices } from "./downsample";
import { COLORS, inkOf, specBase, tickFormat } from "./theme";
import type { ChartOptions, ChartSpec } from "./theme";
import { chartTime, isIntraday, timeAxis, tooltipTime } from "./time";

/** Options of the time-series charts. */
export interface SeriesChartOptions extends ChartOptions {
  /** Points drawn at most (default 2,000): longer curves are downsampled keeping their extremes. */
  maxPoints?: number;
  /** Invisible hover targets carrying tooltips (default true); static renderings may leave them out. */
  tooltips?: boolean;
}

const DEFAULT_MAX_POINTS = 2_000;

/**
 * Hover targets along a line: points nobody sees, each carrying a tooltip. A few hundred are plenty
 * to hover anywhere on a 720-pixel line, and every one of them costs render time and SVG bytes.
 */
const HOVER_POINTS = 300;

export function hoverLayer(rows: readonly Record<string, unknown>[], tooltip: unknown[], budget = HOVER_POINTS): Record<string, unknown> {
  const step = Math.max(1, Math.ceil(rows.length / budget));
  const values = step === 1 ? rows : rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
  return { data: { values }, mark: { type: "point", opacity: 0, size: 80, filled: true }, encoding: { tooltip } };
}

/** Equity against the benchmark's buy-and-hold from the same cash: two lines on one dollar axis. */
export function equityChart(data: RunChartData, options: SeriesChartOptions = {}): ChartSpec {
  const { times, equity, benchmark } = data;
  const window = maxDrawdownWindow(equity);
  const series = benchmark ? [equity, benchmark.equity] : [equity];
  const indices = downsampleIndices(series, options.maxPoints ?? DEFAULT_MAX_POINTS, [window.peakIndex, window.troughIndex]);
  const intraday = isIntraday(times);
  const strategy = "Strategy";
  const names = benchmark ? [strategy, benchmark.name] : [strategy];
  const values: Record<string, unknown>[] = [];
  // One hover row per time, with both curves' values: one tooltip compares them.
  const hover: Record<string, unknown>[] = [];
  for (const i of indices) {
    const t = chartTime(times[i]!);
    const time = tooltipTime(times[i]!, intraday);
    const value = round(equity[i]!, 2);
    // The line's rows carry only what the line encodes; the time's text is for the hover rows' tooltip.
    values.push({ t, series: strategy, value });
    if (benchmark) values.push({ t, series: benchmark.name, value: round(benchmark.equity[i]!, 2) });
    hover.push(benchmark ? { t, time, value, benchmark: round(benchmark.equity[i]!, 2) } : { t, time, value });
  }
  const tooltip = [
    { field: "time", type: "nominal", title: "Time (New York)" },
    { field: "value", type: "quantitative", title: strategy, format: "$,.2f" },
    ...(benchmark ? [{ field: "benchmark", type: "quantitative", title: benchmark.name, format: "$,.2f" }] : []),
  ];
  const encoding = {
    x: timeAxis("t", times),
    y: { field: "value", type: "quantitative", title: "Equity", scale: { zero: false }, axis: { format: "$,.0f", tickCount: 6 } },
  };
  const layers: unknown[] = [
    {
      mark: { type: "line", strokeWidth: 1.8, interpolate: "linear" },
      encoding: {
        color: { field: "series", type: "nominal", title: null, scale: { domain: names, range: [COLORS.strategy, COLORS.benchmark] } },
        strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: names, range: [[1, 0], [5, 3]] } },
      },
    },
  ];
  if (options.tooltips !== false) layers.push(hoverLayer(hover, tooltip));
  return {
    ...specBase(options, { title: `Equity: ${data.title}`, subtitle: benchmark ? `against ${benchmark.name} from the same cash` : undefined, height: 260 }),
    description: "Equity of the run and of its benchmark over time (New York time).",
    data: { values },
    encoding,
    layer: layers,
  };
}

/**
 * The drawdown underwater: how far equity sits below its running peak, as a negative fraction, with
 * the deepest point marked. Downsampling always keeps that point.
 */
export function drawdownChart(data: RunChartData, options: SeriesChartOptions = {}): ChartSpec {
  const { times, equity } = data;
  const drawdown = drawdownSeries(equity);
  const window = maxDrawdownWindow(equity);
  const indices = downsampleIndices([drawdown], options.maxPoints ?? DEFAULT_MAX_POINTS, [window.peakIndex, window.troughIndex]);
  const intraday = isIntraday(times);
  const values = Array.from(indices, (i) => ({ t: chartTime(times[i]!), time: tooltipTime(times[i]!, intraday), drawdown: drawdown[i]! === 0 ? 0 : -drawdown[i]! }));
  const tooltip = [
    { field: "time", type: "nominal", title: "Time (New York)" },
    { field: "drawdown", type: "quantitative", title: "Drawdown", format: ".2%" },
  ];
  const layers: unknown[] = [{ mark: { type: "area", color: COLORS.drawdown, opacity: 0.3, line: { color: COLORS.drawdown, strokeWidth: 1.2 }, interpolate: "linear" } }];
  if (options.tooltips !== false) layers.push(hoverLayer(values, tooltip));
  if (window.troughIndex >= 0) {
    const trough = window.troughIndex;
    // The label goes on the side with room: left of a trough near the right edge.
    const late = times.length > 1 && (times[trough]! - times[0]!) / (times[times.length - 1]! - times[0]!) > 0.7;
    const deepest = {
      t: chartTime(times[trough]!),
      time: tooltipTime(times[trough]!, intraday),
      drawdown: -window.depth,
      label: `max drawdown ${(-window.depth * 100).toFixed(2)}%`,
    };
    layers.push({
      data: { values: [deepest] },
      layer: [
        { mark: { type: "point", filled: true, size: 50, color: COLORS.drawdown }, encoding: { tooltip } },
        { mark: { type: "text", align: late ? "right" : "left", baseline: "bottom", dx: late ? -8 : 8, dy: -3, fontSize: 11, fontWeight: 600, color: COLORS.drawdown }, encoding: { text: { field: "label", type: "nominal" } } },
      ],
    });
  }
  return {
    ...specBase(options, { title: `Drawdown: ${data.title}`, subtitle: `deepest ${(window.depth * 100).toFixed(2)}% below the running peak`, height: 160 }),
    description: "Drawdown from the running peak of equity over time (New York time).",
    data: { values },
    encoding: { x: timeAxis("t", times), y: { field: "drawdown", type: "quantitative", title: "Drawdown", axis: { format: tickFormat(0, window.depth, "percent", 5), tickCount: 5 } } },
    layer: layers,
  };
}

/** The run's gross exposure as a fraction of its equity at each step. */
export function exposureChart(data: RunChartData, options: SeriesChartOptions = {}): ChartSpec {
  const { times, equity } = data;
  const exposure = data.exposure ?? new Float64Array(times.length);
  const fraction = new Float64Array(times.length);
  for (let i = 0; i < fraction.length; i++) fraction[i] = equity[i]! > 0 ? exposure[i]! / equity[i]! : 0;
  const indices = downsampleIndices([fraction], options.maxPoints ?? DEFAULT_MAX_POINTS);
  const intraday = isIntraday(times);
  const values = Array.from(indices, (i) => ({ t: chartTime(times[i]!), time: tooltipTime(times[i]!, intraday), exposure: round(fraction[i]!, 6) }));
  const tooltip = [
    { field: "time", type: "nominal", title: "Time (New York)" },
    { field: "exposure", type: "quantitative", title: "Exposure", format: ".1%" },
  ];
  let inMarket = 0;
  for (let i = 0; i < fraction.length; i++) if (fraction[i]! > 0) inMarket++;
  const layers: unknown[] = [{ mark: { type: "area", color: COLORS.exposure, opacity: 0.3, line: { color: COLORS.exposure, strokeWidth: 1.2 }, interpolate: "step-after" } }];
  if (options.tooltips !== false) layers.push(hoverLayer(values, tooltip));
  return {
    ...specBase(options, {
      title: `Exposure: ${data.title}`,
      subtitle: `positions' gross value as a share of equity; in the market ${fraction.length ? ((inMarket / fraction.length) * 100).toFixed(1) : "0.0"}% of bars`,
      height: 130,
    }),
    description: "Gross exposure as a fraction of equity over time (New York time).",
    data: { values },
    encoding: { x: timeAxis("t", times), y: { field: "exposure", type: "quantitative", title: "Exposure", axis: { format: ".0%", tickCount: 4 }, scale: { domainMin: 0 } } },
    layer: layers,
  };
}

/** Options of the returns histogram. */
export interface ReturnsChartOptions extends ChartOptions {
  /** About how many bins (default 40). */
  bins?: number;
  /** Leave out bars whose return is exactly 0 (out of the market), which would dwarf the rest (default true). */
  excludeFlat?: boolean;
}

/** A histogram of per-bar simple returns, binned here (edges on multiples of the bin width, so 0 is an edge). */
export function returnsChart(data: RunChartData, options: ReturnsChartOptions = {}): ChartSpec {
  const all = simpleReturns(data.equity);
  const excludeFlat = options.excludeFlat !== false;
  const returns = all.filter((r) => Number.isFinite(r) && !(excludeFlat && r === 0));
  const histogram = histogramOf(returns, options.bins ?? 40);
  const values = histogram.map((bin) => ({ from: bin.from, to: bin.to, count: bin.count, sign: bin.to <= 0 ? "loss" : "gain" }));
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = returns.length ? sum / returns.length : 0;
  const left = all.length - returns.length;
  const base = specBase(options, {
    title: `Returns per bar: ${data.title}`,
    subtitle: `${returns.length.toLocaleString("en-US")} bars, mean ${(mean * 100).toFixed(3)}%${left && excludeFlat ? `; ${left.toLocaleString("en-US")} flat bars left out` : ""}`,
    height: 180,
  });
  if (values.length === 0) {
    // Nothing to bin (the run never moved): say so instead of drawing empty axes.
    return {
      ...base,
      description: "The run has no per-bar returns to show.",
      data: { values: [{ message: all.length ? "Equity never changed: no returns to show." : "Too few bars for returns." }] },
      mark: { type: "text", fontSize: 13, color: inkOf(options.theme).muted },
      encoding: { text: { field: "message", type: "nominal" } },
    };
  }
  return {
    ...base,
    description: "Histogram of the run's per-bar simple returns.",
    layer: [
      {
        data: { values },
        mark: { type: "rect", stroke: null, opacity: 0.85 },
        encoding: {
          x: { field: "from", type: "quantitative", title: "Return per bar", axis: { format: ".2%", tickCount: 8 }, scale: { zero: false, nice: false } },
          x2: { field: "to" },
          y: { field: "count", type: "quantitative", title: "Bars", axis: { tickCount: 4 } },
          color: { field: "sign", type: "nominal", legend: null, scale: { domain: ["loss", "gain"], range: [COLORS.drawdown, COLORS.strategy] } },
          tooltip: [
            { field: "from", type: "quantitative", title: "From", format: ".3%" },
            { field: "to", type: "quantitative", title: "To", format: ".3%" },
            { field: "count", type: "quantitative", title: "Bars" },
          ],
        },
      },
      { data: { values: [{ x: 0 }] }, mark: { type: "rule", strokeDash: [2, 2], opacity: 0.6 }, encoding: { x: { field: "x", type: "quantitative" } } },
    ],
  };
}

/** Bins of a nice width covering the values; at most 200 of them, whatever the outliers. */
export function histogramOf(values: ArrayLike<number>, approximateBins: number): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < min) min = values[i]!;
    if (values[i]! > max) max = values[i]!;
  }
  let width = niceStep((max - min || Math.abs(max) || 1e-4) / Math.max(1, approximateBins));
  while ((max - min) / width > 200) width *= 2;
  const first = Math.floor(min / width);
  const count = Math.max(1, Math.floor(max / width) - first + 1);
  const counts = new Array<number>(count).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(count - 1, Math.floor(values[i]! / width) - first)]!++;
  return counts.map((c, k) => ({ from: round((first + k) * width, 12), to: round((first + k + 1) * width, 12), count: c }));
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function round(value: number, digits: number): number {
  const scale = Math.pow(10, digits);
  return Math.round(value * scale) / scale;
}
