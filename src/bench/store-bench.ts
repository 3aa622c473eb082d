/**
 * `aibt bench store`: the workspace store's speed, in a temporary workspace. Recording includes all of
 * its durability (a journal write per step, fsync and atomic replace at each flush).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { syntheticSeries } from "../data/synthetic";
import { backtest } from "../run/backtest";
import { RunStore } from "../store/runs";
import { RunWriter } from "../store/run-writer";
import { median } from "./timing";

export interface StoreBenchReport {
  steps: number;
  recordStepsPerSec: number;
  /** The same backtest without recording, for reference. */
  unrecordedStepsPerSec: number;
  openSummaryMs: number;
  listedRuns: number;
  listMs: number;
}

export async function runStoreBench(options: { steps?: number; runs?: number } = {}, signal?: AbortSignal): Promise<StoreBenchReport> {
  const steps = options.steps ?? 100_000;
  const runCount = options.runs ?? 1_000;
  const workspace = mkdtempSync(path.join(os.tmpdir(), "aibt-store-bench-"));
  try {
    const [series] = syntheticSeries({ symbols: ["SYNA"], start: "2020-01-02", bars: steps, interval: 1, seed: 7 });
    const time = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const recorded: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < 3; r++) {
      signal?.throwIfAborted();
      recorded.push(await time(() => backtest({ data: [series!], workspace }, signal)));
      bare.push(await time(() => backtest({ data: [series!] }, signal)));
    }
    const store = new RunStore(workspace);
    const opens: number[] = [];
    for (let r = 0; r < 5; r++) {
      opens.push(
        await time(async () => {
          const reader = await store.open("sma-cross/run-0001");
          reader.card();
          reader.close();
        }),
      );
    }
    // Many small finished runs, written the way any run is.
    const runsDir = path.join(workspace, ".aibt", "runs");
    for (let i = 0; i < runCount; i++) {
      signal?.throwIfAborted();
      const writer = await RunWriter.start(runsDir, { modelId: `model-${i % 10}`, mode: "daily", stepsTotal: 10, snapshot: { i }, data: {} }, { flushIntervalMs: 60_000 });
      for (let step = 0; step < 10; step++) writer.step({ step, time: step, equity: 100 + step, cash: 100, exposure: 0 });
      writer.finish("completed", { metrics: { sharpe: i / runCount } });
    }
    let listed = 0;
    const lists: number[] = [];
    for (let r = 0; r < 3; r++) {
      lists.push(
        await time(async () => {
          listed = (await store.list()).runs.length;
        }),
      );
    }
    return {
      steps,
      recordStepsPerSec: steps / (median(recorded) / 1000),
      unrecordedStepsPerSec: steps / (median(bare) / 1000),
      openSummaryMs: median(opens),
      listedRuns: listed,
      listMs: median(lists),
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

