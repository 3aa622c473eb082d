/**
 * The bars a recorded run traded, found again from what its record says about its data (source file,
 * symbol, range or session day and bar width). A run file holds equity, not prices: when the data
 * file is gone, moved, changed, or the bars were passed in memory, the answer says why there are none.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { candlesOf } from "../charts/chart-data";
import type { CandleBars } from "../charts/chart-data";
import { formatMarketTime, parseDay } from "../data/calendar";
import { loadDataFile } from "../data/feeds";
import type { BarSeries, DataSet } from "../data/series";
import { sliceByDay } from "../data/series";
import { resampleBars, SESSION_NAMES, sessionBars } from "../data/sessions";
import type { SessionName } from "../data/sessions";
import { normalizeSymbol } from "../data/symbols";
import type { RunCard } from "../store/run-record";

export type RunBars =
  | { found: true; file: string; bars: CandleBars; benchmark?: { name: string; bars: CandleBars } }
  | { found: false; note: string };

interface RecordedData {
  source?: unknown;
  symbol?: unknown;
  from?: unknown;
  to?: unknown;
  date?: unknown;
  session?: unknown;
  barMinutes?: unknown;
}

/**
 * The run's bars, checked against the run's own timeline (`times`, one per recorded step): the same
 * count from the first step and the same stamps, or no bars at all.
 */
export function runBars(card: RunCard, times: ArrayLike<number>, options: { workspace: string; cwd?: string }): RunBars {
  const data = (card.data ?? {}) as RecordedData;
  const source = typeof data.source === "string" ? data.source : "";
  const symbol = typeof data.symbol === "string" ? data.symbol : "";
  if (!source || source === "series") return { found: false, note: "the run's bars were passed in memory, not read from a data file" };
  if (data.from === "ticks") return { found: false, note: `the run's bars were aggregated from the trades in ${source}` };
  const candidates = path.isAbsolute(source) ? [source] : [path.resolve(options.workspace, source), path.resolve(options.cwd ?? process.cwd(), source)];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) return { found: false, note: `the run's data file ${source} is not there any more` };
  let dataSet: DataSet;
  try {
    dataSet = loadDataFile(file, symbol ? { symbol } : {});
  } catch (error) {
    return { found: false, note: `the run's data file ${source} could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const find = (name: string) => dataSet.series.find((s) => s.instrument.symbol === normalizeSymbol(name)) ?? (dataSet.series.length === 1 && !name ? dataSet.series[0] : undefined);
  const series = find(symbol);
  if (!series) return { found: false, note: `${source} holds no ${symbol || "bars"} any more` };
  let bars: BarSeries;
  try {
    bars = card.mode === "intraday" ? sessionOf(series, data) : rangeOf(series, data);
  } catch (error) {
    return { found: false, note: `${source} no longer holds the run's bars (${error instanceof Error ? error.message : String(error)})` };
  }
  const steps = times.length;
  if (bars.length < steps) return { found: false, note: `${source} now holds ${bars.length} of the run's ${steps} bars` };
  for (let i = 0; i < steps; i++) {
    if (bars.time[i] !== times[i]) return { found: false, note: `${source} changed since the run: its bar ${i + 1} is at ${formatMarketTime(bars.time[i]!)}, the run's at ${formatMarketTime(times[i]!)}` };
  }
  const candles = sliced(candlesOf(bars), steps);
  const benchmarkName = typeof card.metrics?.benchmark === "string" ? card.metrics.benchmark : symbol;
  const benchmarkSeries = benchmarkName === series.instrument.symbol ? bars : find(benchmarkName);
  return { found: true, file, bars: candles, ...(benchmarkSeries ? { benchmark: { name: benchmarkSeries.instrument.symbol, bars: candlesOf(benchmarkSeries) } } : {}) };
}

function sessionOf(series: BarSeries, data: RecordedData): BarSeries {
  const day = typeof data.date === "string" ? parseDay(data.date) : undefined;
  if (day === undefined) throw new Error("the run records no session date");
  const session = SESSION_NAMES.includes(data.session as SessionName) ? (data.session as SessionName) : "regular";
  const minutes = typeof data.barMinutes === "number" ? data.barMinutes : 1;
  return resampleBars(sessionBars(series, day, session), minutes);
}

function rangeOf(series: BarSeries, data: RecordedData): BarSeries {
  const from = typeof data.from === "string" ? parseDay(data.from) : undefined;
  const to = typeof data.to === "string" ? parseDay(data.to) : undefined;
  return sliceByDay(series, from, to);
}

function sliced(bars: CandleBars, n: number): CandleBars {
  if (bars.time.length === n) return bars;
  const cut = (column: ArrayLike<number>) => (column as Float64Array).subarray(0, n);
  return { symbol: bars.symbol, time: cut(bars.time), open: cut(bars.open), high: cut(bars.high), low: cut(bars.low), close: cut(bars.close), ...(bars.volume ? { volume: cut(bars.volume) } : {}) };
}
