// Real runs over the shared market data for the chart and report tests, each made once per test file.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { ChartSpec } from "../../../src/charts/theme";
import { renderChart } from "../../../src/charts/render";
import { loadDataFile } from "../../../src/data/feeds";
import type { BarSeries } from "../../../src/data/series";
import { sessionBars } from "../../../src/data/sessions";
import { backtest } from "../../../src/run/backtest";
import type { BacktestResult } from "../../../src/run/backtest";
import { replay } from "../../../src/run/replay";
import type { ReplayResult } from "../../../src/run/replay";
import { sharedData } from "../../shared-data";

export const RTH = () => sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");
export const NDX_DAILY = () => sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv");

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as Promise<T>;
}

/** opening-range on one SPY session (2013-10-07: a buy and the end-of-session sell; 10-08: a stop; 10-10: a target). */
export function spySession(date: string): Promise<ReplayResult> {
  return once(`spy-${date}`, () => replay({ data: RTH(), symbol: "SPY", date, strategy: "opening-range" }));
}

/** The six SPY minute-bar days, one opening-range session each: buys, end-of-session sells, stops and targets. */
export const SPY_DAYS = ["2013-10-04", "2013-10-07", "2013-10-08", "2013-10-09", "2013-10-10", "2013-10-11"];

/** sma-cross 10/50 on AAPL over ten years of daily bars. */
export function aaplDaily(): Promise<BacktestResult> {
  return once("aapl-daily", () => backtest({ data: NDX_DAILY(), symbol: "AAPL", strategy: "sma-cross", fast: 10, slow: 50, commission: 0.001 }));
}

let rth: BarSeries[] | undefined;
/** SPY's regular-session minute bars of a day, straight from the data file. */
export function spyBars(day: number): BarSeries {
  rth ??= loadDataFile(RTH()).series;
  return sessionBars(rth.find((s) => s.instrument.symbol === "SPY")!, day, "regular");
}

/** Renders a spec and insists on a clean render: an SVG and not one warning. */
export async function renderClean(spec: ChartSpec): Promise<string> {
  const { svg, warnings } = await renderChart(spec);
  expect(warnings).toEqual([]);
  expect(svg.startsWith("<svg")).toBe(true);
  return svg;
}

export function tempWorkspace(prefix = "aibt-report-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
