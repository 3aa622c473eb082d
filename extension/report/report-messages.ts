/**
 * What the report webview and the extension say to each other (postMessage). Types only, shared by
 * extension/report/report-panel.ts and the webview's script (media/report/main.ts).
 */
import type { ComparisonData, RunReportData } from "../../src/report/report-data";

/** From the extension to the webview. */
export type ToReportWebview =
  | { type: "report"; data: RunReportData }
  | { type: "comparison"; data: ComparisonData }
  /** The run could not be opened or read: what happened and how to fix it. */
  | { type: "error"; title: string; message: string; hint?: string };

/** From the webview to the extension. */
export type FromReportWebview =
  /** The script is listening: send (or send again, after the webview was reloaded) the payload. */
  | { type: "ready" }
  /** Load the payload again (after an error, or to see a running run's latest steps). */
  | { type: "refresh" }
  /** Open the run's frozen strategy snapshot as a JSON document. */
  | { type: "openSnapshot"; ref?: string }
  /** Show the run file in the explorer (or the OS's file manager). */
  | { type: "revealRunFile"; ref?: string }
  /** Compare this run with another (aibt.compareRuns, which asks for the second run). */
  | { type: "compareWith"; ref: string }
  /** Open one run's report (from a comparison). */
  | { type: "openRun"; ref: string }
  /** Save a chart: SVG text or a PNG data URL. */
  | { type: "saveImage"; format: "svg" | "png"; fileName: string; data: string };
