/**
 * `aibt bench replay`: how long one 390-minute session takes to replay with a coded strategy, on a
 * generated session (so it runs anywhere). Medians over repetitions, the run loop warmed up first.
 */
import { performance } from "node:perf_hooks";
import { syntheticSeries } from "../data/synthetic";
import { replay } from "../run/replay";
import { median } from "./timing";

export interface ReplayBenchReport {
  bars: number;
  smaCrossMs: number;
  openingRangeMs: number;
}

export async function runReplayBench(repetitions = 21, signal?: AbortSignal): Promise<ReplayBenchReport> {
  const data = syntheticSeries({ symbols: ["SYNA"], start: "2024-03-04", bars: 390, interval: 1, seed: 11 });
  const time = async (strategy: "sma-cross" | "opening-range") => {
    const samples: number[] = [];
    for (let r = 0; r < repetitions + 3; r++) {
      signal?.throwIfAborted();
      const started = performance.now();
      await replay({ data, date: "2024-03-04", strategy, fast: 5, slow: 20 }, signal);
      if (r >= 3) samples.push(performance.now() - started);
    }
    return median(samples);
  };
  return { bars: 390, smaCrossMs: await time("sma-cross"), openingRangeMs: await time("opening-range") };
}
