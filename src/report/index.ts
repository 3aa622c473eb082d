/** Run reports: one self-contained HTML file per recorded run, and the same report as data for a webview. */
export { defaultReportName, runReport, writeRunReport } from "./report";
export { comparisonData, runReportData } from "./report-data";
export type {
  BlockedRow,
  ComparedMetric,
  ComparedRunCard,
  ComparisonData,
  ComparisonOptions,
  ReportChart,
  ReportChartId,
  ReportKpi,
  RunReportCard,
  RunReportData,
  RunReportOptions,
} from "./report-data";
export type { DecisionExcerpt } from "./reasoning";
export { runBars } from "./run-bars";
export type { RunBars } from "./run-bars";
