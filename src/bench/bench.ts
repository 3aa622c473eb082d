/**
 * `aibt bench`: the engine against the reference loop on the same generated minute bars, in one
 * process, alternated so both see the same machine state. Reports medians and whether the results are
 * identical. A benchmark, never a test: the figure goes in the README, no test asserts a time.
 */
import { performance } from "node:perf_hooks";
import { syntheticSeries } from "../data/synthetic";
import { backtest } from "../run/backtest";
import { referenceSmaCross } from "./reference";
import { garbageCollector, median } from "./timing";
import type { ReferenceResult } from "./reference";
import type { BacktestSummary } from "../run/backtest";

export interface BenchOptions {
  bars?: number;
  repetitions?: number;
  seed?: number;
}

export interface BenchReport {
  workload: string;
  bars: number;
  repetitions: number;
  engineBarsPerSec: number;
  referenceBarsPerSec: number;
  ratio: number;
  target: number;
  meetsTarget: boolean;
  identical: boolean;
  engineMs: number[];
  referenceMs: number[];
  result: ReferenceResult;
}

const FAST = 10;
const SLOW = 50;
const COMMISSION = 0.001;
const CASH = 100_000;
const MINUTE_BARS_PER_YEAR = 252 * 390;

export async function runBench(options: BenchOptions = {}, signal?: AbortSignal): Promise<BenchReport> {
  const bars = options.bars ?? 1_000_000;
  const repetitions = options.repetitions ?? 11;
  const [series] = syntheticSeries({ symbols: ["SYN"], start: "2015-01-02", bars, interval: 1, seed: options.seed ?? 42 });
  const engine = () =>
    backtest({ data: [series!], strategy: "sma-cross", fast: FAST, slow: SLOW, commission: COMMISSION, fractional: true, cash: CASH, periodsPerYear: MINUTE_BARS_PER_YEAR }, signal);
  const reference = () =>
    referenceSmaCross({ open: series!.open, close: series!.close, fast: FAST, slow: SLOW, cash: CASH, commission: COMMISSION, fractional: true, periodsPerYear: MINUTE_BARS_PER_YEAR });

  // Warm both up so the JIT has compiled the hot loops before anything is timed.
  let engineResult = await engine();
  let referenceResult = reference();
  const engineMs: number[] = [];
  const referenceMs: number[] = [];
  const collectGarbage = garbageCollector();
  for (let r = 0; r < repetitions; r++) {
    signal?.throwIfAborted();
    collectGarbage();
    let started = performance.now();
    engineResult = await engine();
    engineMs.push(performance.now() - started);
    collectGarbage();
    started = performance.now();
    referenceResult = reference();
    referenceMs.push(performance.now() - started);
  }
  const identical = sameResults(engineResult, referenceResult);
  const engineBarsPerSec = bars / (median(engineMs) / 1000);
  const referenceBarsPerSec = bars / (median(referenceMs) / 1000);
  const ratio = engineBarsPerSec / referenceBarsPerSec;
  return {
    workload: `sma-cross ${FAST}/${SLOW} on ${bars.toLocaleString("en-US")} generated minute bars, next-open fills, commission ${COMMISSION}, fractional`,
    bars,
    repetitions,
    engineBarsPerSec,
    referenceBarsPerSec,
    ratio,
    target: 1 / 3,
    meetsTarget: identical && ratio >= 1 / 3,
    identical,
    engineMs,
    referenceMs,
    result: referenceResult,
  };
}

/** Every field the reference computes, equal to the last bit (win rate and profit factor to rounding: the engine sums trip P&L in another order). */
export function sameResults(engine: BacktestSummary, reference: ReferenceResult): boolean {
  const exact = ["bars", "fills", "roundTrips", "finalEquity", "totalReturn", "sharpe", "sortino", "maxDrawdown", "cagr", "exposure"] as const;
  const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return exact.every((key) => engine[key] === reference[key]) && close(engine.winRate, reference.winRate) && close(engine.profitFactor, reference.profitFactor);
}


