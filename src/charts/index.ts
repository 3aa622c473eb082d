/** Charts: Vega-Lite spec builders over run data, headless SVG rendering, and display helpers. */
export { buyAndHoldCurve, candlesOf, chartDataFromResult, chartDataFromRun, tradeKind } from "./chart-data";
export type { CandleBars, ChartFill, RunChartData, TradeKind } from "./chart-data";
export { candlestickChart, mergeCandles } from "./candles";
export type { CandleChartOptions } from "./candles";
export { comparisonChart, costReturnChart, runCostOf } from "./comparison";
export type { ComparedRun, ComparisonChartOptions, RunCost } from "./comparison";
export { displayTime, escapeHtml, markdownSummary, metricsTable, mimeBundle, summaryRows, tradesTable, VEGA_LITE_MIME } from "./display";
export type { MimeBundle, TradesTableOptions } from "./display";
export { downsampleIndices, pick } from "./downsample";
export { ChartRenderError, compactSvg, renderChart, renderSvg } from "./render";
export type { RenderedChart } from "./render";
export { drawdownChart, equityChart, exposureChart, histogramOf, returnsChart } from "./run-charts";
export type { ReturnsChartOptions, SeriesChartOptions } from "./run-charts";
export { chartConfig, COLORS, OKABE_ITO, PALETTE, VEGA_LITE_SCHEMA } from "./theme";
export type { ChartOptions, ChartSpec, ChartTheme } from "./theme";
export { chartTime } from "./time";
