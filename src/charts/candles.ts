/**
 * Candlesticks with volume underneath and the run's trades on top: buys, sells, and the bracket legs
 * (stops, targets) told apart by shape and colour, each with its time, price, quantity and reason.
 */
import { medianInterval } from "../metrics/periods";
import type { CandleBars, ChartFill, TradeKind } from "./chart-data";
import { tradeKind } from "./chart-data";
import { COLORS, inkOf, specBase } from "./theme";
import type { ChartOptions, ChartSpec } from "./theme";
import { chartTime, isIntraday, timeAxis, tooltipTime } from "./time";

export interface CandleChartOptions extends ChartOptions {
  /** Candles drawn at most (default 400): more bars are merged into wider candles, keeping highs and lows. */
  maxCandles?: number;
  /** Height of the volume panel (default 70; 0 leaves it out). */
  volumeHeight?: number;
}

const KINDS: TradeKind[] = ["buy", "sell", "stop", "target"];
const MAX_GUIDES = 12;
const SHAPES: Record<TradeKind, string> = { buy: "triangle-up", sell: "triangle-down", stop: "square", target: "diamond" };

/**
 * Bars merged `k` at a time: first open, highest high, lowest low, last close, summed volume. The
 * extremes of the range survive any merging.
 */
export function mergeCandles(bars: CandleBars, k: number): CandleBars {
  const n = bars.time.length;
  if (k <= 1) return bars;
  const m = Math.ceil(n / k);
  const out = { time: new Float64Array(m), open: new Float64Array(m), high: new Float64Array(m), low: new Float64Array(m), close: new Float64Array(m), volume: new Float64Array(m) };
  for (let b = 0; b < m; b++) {
    const from = b * k;
    const to = Math.min(n, from + k);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = from; i < to; i++) {
      if (bars.high[i]! > high) high = bars.high[i]!;
      if (bars.low[i]! < low) low = bars.low[i]!;
      volume += bars.volume ? bars.volume[i]! : 0;
    }
    out.time[b] = bars.time[from]!;
    out.open[b] = bars.open[from]!;
    out.close[b] = bars.close[to - 1]!;
    out.high[b] = high;
    out.low[b] = low;
    out.volume[b] = volume;
  }
  const { volume, ...prices } = out;
  return { symbol: bars.symbol, ...prices, ...(bars.volume ? { volume } : {}) };
}

/** Candlesticks of `bars` (merged to at most `maxCandles`), volume beneath, and a marker per fill of that symbol. */
export function candlestickChart(bars: CandleBars, fills: readonly ChartFill[] = [], options: CandleChartOptions = {}): ChartSpec {
  const n = bars.time.length;
  const maxCandles = Math.max(1, options.maxCandles ?? 400);
  const k = Math.ceil(n / maxCandles);
  const candles = mergeCandles(bars, k);
  const intraday = isIntraday(bars.time);
  // Each candle spans most of its interval; the gap between candles is what makes them readable.
  const interval = (medianInterval(bars.time) || 60_000) * Math.max(1, k);
  const values: Record<string, unknown>[] = [];
  for (let i = 0; i < candles.time.length; i++) {
    const start = chartTime(candles.time[i]!);
    const open = candles.open[i]!;
    const close = candles.close[i]!;
    values.push({
      t0: start + interval * 0.12,
      t1: start + interval * 0.88,
      t: start + interval * 0.5,
      time: tooltipTime(candles.time[i]!, intraday),
      open,
      high: candles.high[i]!,
      low: candles.low[i]!,
      close,
      // A doji still needs a visible body.
      body: close === open ? close * (1 + 1e-5) : close,
      volume: candles.volume ? candles.volume[i]! : 0,
      direction: close >= open ? "up" : "down",
    });
  }
  const markers = fills
    .filter((fill) => fill.symbol === undefined || fill.symbol === bars.symbol)
    .map((fill) => {
      const kind = tradeKind(fill);
      return {
        t: chartTime(fill.time) + (medianInterval(bars.time) || 60_000) * 0.5,
        time: tooltipTime(fill.time, intraday),
        kind,
        side: fill.side,
        price: fill.price,
        quantity: fill.quantity,
        reason: fill.reason ?? "",
      };
    });
  const kindsShown = KINDS.filter((kind) => markers.some((m) => m.kind === kind));
  const ink = inkOf(options.theme);
  const volumeHeight = options.volumeHeight ?? 70;
  const hasVolume = volumeHeight > 0 && bars.volume !== undefined;
  // With a volume panel, the time axis is drawn once, under the volume.
  const hidden = { title: null, labels: false, ticks: false, domain: false, grid: false };
  const x = (field: string) => (hasVolume ? timeAxis(field, bars.time, { axis: hidden }) : timeAxis(field, bars.time));
  const direction = { field: "direction", type: "nominal", legend: null, scale: { domain: ["up", "down"], range: [COLORS.candleUp, COLORS.candleDown] } };
  const candleTooltip = [
    { field: "time", type: "nominal", title: "Time (New York)" },
    { field: "open", type: "quantitative", title: "Open", format: ",.2f" },
    { field: "high", type: "quantitative", title: "High", format: ",.2f" },
    { field: "low", type: "quantitative", title: "Low", format: ",.2f" },
    { field: "close", type: "quantitative", title: "Close", format: ",.2f" },
    { field: "volume", type: "quantitative", title: "Volume", format: ",.0f" },
  ];
  const priceLayers: unknown[] = [
    {
      mark: { type: "rule", strokeWidth: 1 },
      encoding: { x: x("t"), y: { field: "low", type: "quantitative", title: "Price", scale: { zero: false }, axis: { format: ",.2f", tickCount: 6 } }, y2: { field: "high" }, color: direction },
    },
    {
      mark: { type: "rect", strokeWidth: 0 },
      encoding: { x: x("t0"), x2: { field: "t1" }, y: { field: "open", type: "quantitative" }, y2: { field: "body" }, color: direction, tooltip: candleTooltip },
    },
  ];
  if (markers.length > 0) {
    const kindScale = (range: Record<TradeKind, string>) => ({ domain: kindsShown, range: kindsShown.map((kind) => range[kind]) });
    // A faint line down each fill's bar, so a marker among hundreds of candles is found at a glance
    // (while there are few: dozens of lines would be clutter). One neutral colour: a colour scale on
    // the kind here would take the markers' legend with it.
    if (markers.length <= MAX_GUIDES) {
      priceLayers.splice(0, 0, {
        data: { values: markers },
        mark: { type: "rule", strokeDash: [3, 3], strokeWidth: 1, opacity: 0.6, color: ink.muted },
        encoding: { x: x("t") },
      });
    }
    priceLayers.push({
      data: { values: markers },
      mark: { type: "point", filled: true, size: 190, opacity: 1, stroke: ink.text, strokeWidth: 1 },
      encoding: {
        x: x("t"),
        y: { field: "price", type: "quantitative" },
        fill: { field: "kind", type: "nominal", title: "Trades", scale: kindScale(COLORS) },
        shape: { field: "kind", type: "nominal", title: "Trades", scale: kindScale(SHAPES) },
        tooltip: [
          { field: "time", type: "nominal", title: "Time (New York)" },
          { field: "kind", type: "nominal", title: "Trade" },
          { field: "price", type: "quantitative", title: "Price", format: ",.4~f" },
          { field: "quantity", type: "quantitative", title: "Quantity", format: ",.6~f" },
          { field: "reason", type: "nominal", title: "Reason" },
        ],
      },
    });
  }
  const base = specBase(options, {
    title: `${bars.symbol}${k > 1 ? ` (${k} bars per candle)` : ""}`,
    subtitle: markers.length ? `${markers.length} fill${markers.length === 1 ? "" : "s"}: ${kindsShown.map((kind) => `${kind} ${shapeWord(kind)}`).join(", ")}` : "no fills",
    height: 300,
  });
  const width = base.width;
  const price = {
    width,
    height: base.height,
    layer: priceLayers,
  };
  const { height: _height, width: _width, ...rest } = base;
  const volume = {
    width,
    height: volumeHeight,
    mark: { type: "rect", strokeWidth: 0, opacity: 0.55 },
    encoding: {
      x: timeAxis("t0", bars.time),
      x2: { field: "t1" },
      // SI prefixes, but billions as B (a trader's G is nothing).
      y: { field: "volume", type: "quantitative", title: "Volume", axis: { labelExpr: "replace(format(datum.value, '~s'), 'G', 'B')", tickCount: 2 } },
      color: direction,
      tooltip: candleTooltip,
    },
  };
  return {
    ...rest,
    description: `Candlesticks of ${bars.symbol} with volume and the run's fills (New York time).`,
    data: { values },
    spacing: 4,
    resolve: { scale: { x: "shared" } },
    vconcat: hasVolume ? [price, volume] : [price],
  };
}

function shapeWord(kind: TradeKind): string {
  return { buy: "▲", sell: "▼", stop: "■", target: "◆" }[kind];
}
