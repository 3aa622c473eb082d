/** Run reports: one self-contained HTML file per recorded run. */
export { defaultReportName, runReport, writeRunReport } from "./report";
export type { RunReportOptions } from "./report";
export { runBars } from "./run-bars";
export type { RunBars } from "./run-bars";
