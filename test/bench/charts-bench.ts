/**
 * Chart speed: node test/bench/run.mjs charts [--json]
 *
 * (a) a 390-candle session (SPY 2013-10-07, opening-range) with its trades: spec + SVG (target < 200 ms);
 * (b) equity and drawdown of a 100,000-bar run (sma-cross on generated minute bars): downsampled to
 *     2,000 points each, specs + both SVGs (target < 300 ms).
 * Medians of 11 runs after 2 warm-ups, a full GC before each. A benchmark: it prints figures and never
 * fails on a time.
 *
 * run.mjs bundles benchmarks without esbuild.mjs's vega-canvas alias, and vega cannot be bundled to
 * CommonJS without it, so this file imports the engine's TYPES only and bundles the engine (charts,
 * replay, backtest) itself at start-up, with the alias.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type * as ChartsModule from "../../src/charts/index";
import type * as FeedsModule from "../../src/data/feeds";
import type * as SessionsModule from "../../src/data/sessions";
import type * as DataModule from "../../src/data/synthetic";
import type * as RunModule from "../../src/run/backtest";
import type * as ReplayModule from "../../src/run/replay";
import { garbageCollector, median } from "../../src/bench/timing";

type Engine = typeof ChartsModule & typeof RunModule & typeof ReplayModule & typeof DataModule & typeof FeedsModule & typeof SessionsModule;

const REPETITIONS = 11;
const WARMUPS = 2;
const json = process.argv.includes("--json");
// run.mjs runs this from the repository root; the shared data sits beside it.
const root = process.cwd();
const SHARED_DATA = process.env.AIBT_SHARED_DATA ?? path.resolve(root, "../shared/data");

function loadEngine(): Engine {
  const requireHere = createRequire(path.join(root, "package.json"));
  const { buildSync } = requireHere("esbuild") as typeof import("esbuild");
  const outfile = path.join(root, "node_modules/.cache/aibt-bench/charts-engine.cjs");
  buildSync({
    stdin: {
      contents: [
        'export * from "./src/charts/index";',
        'export { backtest } from "./src/run/backtest";',
        'export { replay } from "./src/run/replay";',
        'export { syntheticSeries } from "./src/data/synthetic";',
        'export { loadDataFile } from "./src/data/feeds";',
        'export { sessionBars } from "./src/data/sessions";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile,
    logLevel: "warning",
    alias: { "vega-canvas": path.join(path.dirname(requireHere.resolve("vega-canvas")), "vega-canvas.browser.js") },
  });
  return requireHere(outfile) as Engine;
}

const gc = garbageCollector();


const round = (ms: number) => Math.round(ms * 10) / 10;

/** Median times of each phase of `run` (which reports its phases' durations). */
interface Phases {
  specMs: number;
  svgMs: number;
  totalMs: number;
}

async function measure(run: () => Promise<Phases>): Promise<Phases> {
  for (let i = 0; i < WARMUPS; i++) await run();
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < REPETITIONS; i++) {
    gc();
    for (const [phase, ms] of Object.entries(await run())) (samples[phase] ??= []).push(ms);
  }
  return Object.fromEntries(Object.entries(samples).map(([phase, values]) => [phase, round(median(values))])) as unknown as Phases;
}

async function main(): Promise<void> {
  const loadStarted = performance.now();
  const engine = loadEngine();
  const loadMs = performance.now() - loadStarted;

  // (a) one session's candles with its trades.
  const minutes = path.join(SHARED_DATA, "normalized/intraday_1min_lean_algoseek_rth.csv");
  const session = await engine.replay({ data: minutes, symbol: "SPY", date: "2013-10-07", strategy: "opening-range" });
  const spy = engine.sessionBars(engine.loadDataFile(minutes).series.find((s) => s.instrument.symbol === "SPY")!, 20131007, "regular");
  const bars = engine.candlesOf(spy);
  let candleSvgBytes = 0;
  const candles = await measure(async () => {
    const started = performance.now();
    const spec = engine.candlestickChart(bars, session.fillLog);
    const built = performance.now();
    const svg = await engine.renderSvg(spec);
    candleSvgBytes = svg.length;
    const done = performance.now();
    return { specMs: built - started, svgMs: done - built, totalMs: done - started };
  });

  // (b) equity and drawdown of a 100,000-bar run, downsampled to 2,000 points.
  const series = engine.syntheticSeries({ symbols: ["SYNA"], start: "2020-01-02", bars: 100_000, interval: 1, seed: 7 });
  const long = engine.chartDataFromResult(await engine.backtest({ data: series, strategy: "sma-cross", fast: 10, slow: 50, fractional: true, commission: 0.001 }));
  let points = 0;
  const curves = await measure(async () => {
    const started = performance.now();
    const equity = engine.equityChart(long, { maxPoints: 2_000 });
    const drawdown = engine.drawdownChart(long, { maxPoints: 2_000 });
    points = (drawdown.data as { values: unknown[] }).values.length;
    const built = performance.now();
    await engine.renderSvg(equity);
    await engine.renderSvg(drawdown);
    const done = performance.now();
    return { specMs: built - started, svgMs: done - built, totalMs: done - started };
  });

  const report = {
    engineBundleAndLoadMs: round(loadMs),
    candles390: { candles: spy.length, fills: session.fillLog.length, svgKB: Math.round(candleSvgBytes / 1024), ...candles, targetMs: 200 },
    equityDrawdown100k: { bars: long.times.length, drawdownPointsDrawn: points, ...curves, targetMs: 300 },
  };
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(`charts, medians of ${REPETITIONS} runs (Node ${process.version})`);
  console.log(
    `  390-candle session + ${report.candles390.fills} fills to SVG   ${report.candles390.totalMs} ms  (spec ${report.candles390.specMs} + svg ${report.candles390.svgMs}; ${report.candles390.svgKB} KB)   target < 200 ms`,
  );
  console.log(
    `  equity + drawdown, 100,000 bars -> ${points.toLocaleString("en-US")} points, to SVG   ${report.equityDrawdown100k.totalMs} ms  (specs ${report.equityDrawdown100k.specMs} + svgs ${report.equityDrawdown100k.svgMs})   target < 300 ms`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
