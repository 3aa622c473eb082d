/**
 * A backtest or replay in a worker thread, so a long run never blocks the extension host (which also
 * serves every other extension). The parent posts {type:"cancel"}; the worker reports what the run
 * does. Built to dist/run-worker.js beside dist/extension.js.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isUserFacing } from "../../src/errors";
import { backtest, summaryOf } from "../../src/run/backtest";
import type { BacktestOptions } from "../../src/run/backtest";
import { replay } from "../../src/run/replay";
import type { ReplayOptions } from "../../src/run/replay";
import type { RunJobRequest, WorkerMessage } from "./run-messages";

/** Progress at most this often: the tree and the notification need no more. */
const PROGRESS_EVERY_MS = 200;

async function main(port: NonNullable<typeof parentPort>, request: RunJobRequest): Promise<void> {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const controller = new AbortController();
  port.on("message", (message: { type?: string }) => {
    if (message?.type === "cancel") controller.abort();
  });
  let lastProgress = 0;
  const options = {
    ...request.options,
    ...(request.apiKey ? { apiKey: request.apiKey } : {}),
    onRecord: (run: { modelId: string; id: string; file: string }) => post({ type: "record", ...run }),
    onProgress: (progress: { step: number; total: number; equity: number }) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && progress.step < progress.total) return;
      lastProgress = now;
      post({ type: "progress", step: progress.step, total: progress.total, equity: progress.equity });
    },
  };
  try {
    const result = request.kind === "replay" ? await replay(options as unknown as ReplayOptions, controller.signal) : await backtest(options as BacktestOptions, controller.signal);
    post({ type: "done", summary: { ...summaryOf(result) }, ...(result.run ? { run: result.run } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // An InputError's message names the file or field and the fix: shown as it is.
    post({ type: "error", message, expected: isUserFacing(error) });
  }
}

if (parentPort) void main(parentPort, workerData as RunJobRequest);
