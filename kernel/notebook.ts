/**
 * `aibt/notebook`: what a notebook cell imports. The whole engine, plus display helpers that put
 * charts, tables and live progress into the cell's output through tslab, in VS Code and in Jupyter
 * alike. A chart is sent as one bundle: Vega-Lite JSON (rendered by JupyterLab or AIBT's renderer) with
 * an SVG fallback for any front end without one.
 */
import { markdownSummary, metricsTable, mimeBundle, tradesTable } from "../src/charts/index";
import type { ChartSpec } from "../src/charts/index";
import { backtest as runBacktest, summaryOf } from "../src/run/backtest";
import type { BacktestOptions, BacktestResult } from "../src/run/backtest";
import type { RunProgress } from "../src/run/loop";
import { replay as runReplay } from "../src/run/replay";
import type { ReplayOptions, ReplayResult } from "../src/run/replay";

export * from "../src/index";

type DisplayData = { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } };
type WriteDisplayData = (data: DisplayData, update: boolean) => void;

/** tslab's own output channel, when this code runs inside a tslab kernel; undefined elsewhere. */
function tslabWriter(): WriteDisplayData | undefined {
  try {
    // tslab's public `display.raw` sends one MIME type per output; its writer sends a whole bundle.
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

let nextDisplay = 0;

/** Puts a bundle of representations into the cell's output (or prints its text outside a notebook). */
export function display(data: Record<string, unknown>, options: { id?: string; update?: boolean } = {}): void {
  const write = tslabWriter();
  if (!write) {
    const text = data["text/markdown"] ?? data["text/plain"] ?? JSON.stringify(Object.keys(data));
    process.stdout.write(`${String(text)}\n`);
    return;
  }
  write({ data, metadata: {}, transient: options.id ? { display_id: options.id } : {} }, options.update === true);
}

/** Shows a chart: Vega-Lite with an SVG fallback. */
export async function showChart(spec: ChartSpec): Promise<void> {
  display({ ...(await mimeBundle(spec)) });
}

export function showHtml(html: string): void {
  display({ "text/html": html, "text/plain": html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim() });
}

export function showMarkdown(markdown: string): void {
  display({ "text/markdown": markdown, "text/plain": markdown });
}

/** The summary in words and the metrics as a table. */
export function showSummary(result: BacktestResult): void {
  // The summary's fields only: the result also carries its curves and logs, which are no metrics.
  const summary = summaryOf(result);
  showMarkdown(markdownSummary(summary));
  showHtml(metricsTable(summary));
}

export function showTrades(result: BacktestResult, maxRows = 50): void {
  showHtml(tradesTable(result.tradeLog, { maxRows }));
}

/** A live line in the cell's output that a long run keeps updating, then replaces with its result. */
export function progressDisplay(label: string): { update(progress: RunProgress): void; done(text: string): void } {
  const id = `aibt-progress-${process.pid}-${nextDisplay++}`;
  let shownAt = -1;
  const line = (text: string) => ({ "text/plain": text, "text/markdown": text });
  display(line(`${label}: starting...`), { id });
  return {
    update(progress) {
      const percent = Math.floor((progress.step / progress.total) * 100);
      // A few dozen updates, not one per bar: every message crosses the kernel's sockets.
      if (percent === shownAt || (percent % 5 !== 0 && progress.step !== progress.total)) return;
      shownAt = percent;
      display(line(`${label}: ${percent}% (${progress.step.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")} bars), equity ${progress.equity.toFixed(2)}, ${progress.fills} fills`), { id, update: true });
    },
    done(text) {
      display(line(text), { id, update: true });
    },
  };
}

/** The engine's backtest, with live progress in the cell and a one-line result at the end. */
export async function backtest(options: BacktestOptions = {}, signal?: AbortSignal): Promise<BacktestResult> {
  const progress = progressDisplay("Backtest");
  const result = await runBacktest({ ...options, onProgress: (p) => (progress.update(p), options.onProgress?.(p)) }, signal);
  progress.done(`Backtest ${result.status}: ${result.strategy} on ${result.symbol}, ${result.bars.toLocaleString("en-US")} bars, return ${(result.totalReturn * 100).toFixed(2)}%, Sharpe ${result.sharpe.toFixed(2)}${result.run ? `, recorded as ${result.run.modelId}/${result.run.id}` : ""}`);
  return result;
}

/** The engine's intraday replay, with live progress in the cell. */
export async function replay(options: ReplayOptions, signal?: AbortSignal): Promise<ReplayResult> {
  const progress = progressDisplay(`Replay ${options.date}`);
  const result = await runReplay({ ...options, onProgress: (p) => (progress.update(p), options.onProgress?.(p)) }, signal);
  progress.done(`Replay ${result.status}: ${result.strategy} on ${result.symbol}, ${result.date} ${result.session}, ${result.bars} bars, ${result.trades} trades, return ${(result.totalReturn * 100).toFixed(2)}%`);
  return result;
}
