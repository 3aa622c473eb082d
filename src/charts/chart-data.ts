/**
 * What the chart builders read: small plain types, so a fresh BacktestResult, a recorded run
 * (RunReader) or a notebook's own arrays can all feed the same charts.
 */
import type { BarSeries } from "../data/series";
import type { BacktestResult } from "../run/backtest";
import type { RunReader } from "../store/run-reader";

/** A fill as charts and trade tables show it. */
export interface ChartFill {
  time: number;
  side: string;
  quantity: number;
  price: number;
  reason?: string | null | undefined;
  symbol?: string;
  commission?: number;
}

/** What a trade marker says: an entry or exit, or which bracket leg closed the position. */
export type TradeKind = "buy" | "sell" | "stop" | "target";

/** The broker names its bracket legs' fills "bracket stop" and "bracket target". */
export function tradeKind(fill: Pick<ChartFill, "side" | "reason">): TradeKind {
  if (fill.reason === "bracket stop") return "stop";
  if (fill.reason === "bracket target") return "target";
  return fill.side === "sell" ? "sell" : "buy";
}

/** One run's curves and fills. */
export interface RunChartData {
  /** What the run is, e.g. "opening-range on SPY". */
  title: string;
  symbol: string;
  /** Epoch ms of each step. */
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** Gross value of the positions held at each step, in the equity's currency. */
  exposure?: ArrayLike<number>;
  /** A buy-and-hold curve from the same cash (or a named benchmark's), on the same steps. */
  benchmark?: { name: string; equity: ArrayLike<number> };
  fills: readonly ChartFill[];
}

/** OHLCV bars for a candlestick chart (a BarSeries through `candlesOf`). */
export interface CandleBars {
  symbol: string;
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume?: ArrayLike<number>;
}

export function candlesOf(series: BarSeries): CandleBars {
  return { symbol: series.instrument.symbol, time: series.time, open: series.open, high: series.high, low: series.low, close: series.close, volume: series.volume };
}

export function chartDataFromResult(result: BacktestResult): RunChartData {
  return {
    title: `${result.strategy} on ${result.symbol}`,
    symbol: result.symbol,
    times: result.times,
    equity: result.equityCurve,
    exposure: result.exposureCurve,
    benchmark: { name: `${result.benchmark} buy-and-hold`, equity: result.benchmarkCurve },
    fills: result.fillLog,
  };
}

/**
 * A recorded run's curves and fills. The run file holds no benchmark prices: pass the benchmark's bars
 * (e.g. from the run's data file) to draw its buy-and-hold curve.
 */
export function chartDataFromRun(reader: RunReader, options: { benchmark?: { name: string; bars: Pick<CandleBars, "time" | "close"> } } = {}): RunChartData {
  const card = reader.card();
  const points = reader.equity();
  const n = points.length;
  const times = new Float64Array(n);
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    times[i] = p.time;
    equity[i] = p.equity;
    exposure[i] = p.exposure;
  }
  const symbol = String((card.data as { symbol?: unknown } | null)?.symbol ?? "");
  const cash = typeof card.metrics?.initialCash === "number" ? card.metrics.initialCash : n > 0 ? equity[0]! : 0;
  const benchmark = options.benchmark;
  return {
    title: `${card.modelId}/${card.id}${symbol ? ` on ${symbol}` : ""}`,
    symbol,
    times,
    equity,
    exposure,
    ...(benchmark && n > 0 ? { benchmark: { name: `${benchmark.name} buy-and-hold`, equity: buyAndHoldCurve(times, benchmark.bars, cash) } } : {}),
    fills: reader.fills(),
  };
}

/**
 * Buy-and-hold equity from `cash` on the given steps: the bars' closes forward-filled onto `times`
 * (and back-filled before the first bar, so the curve starts flat), scaled to start at `cash`.
 */
export function buyAndHoldCurve(times: ArrayLike<number>, bars: Pick<CandleBars, "time" | "close">, cash: number): Float64Array {
  const n = times.length;
  const curve = new Float64Array(n);
  let j = 0;
  let last = NaN;
  let first = -1;
  for (let i = 0; i < n; i++) {
    while (j < bars.time.length && bars.time[j]! <= times[i]!) last = bars.close[j++]!;
    curve[i] = last;
    if (first < 0 && last === last) first = i;
  }
  if (first < 0) return curve.fill(cash);
  curve.fill(curve[first]!, 0, first);
  const scale = cash / curve[0]!;
  for (let i = 0; i < n; i++) curve[i] = curve[i]! * scale;
  return curve;
}
