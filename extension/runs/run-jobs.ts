/**
 * Runs started from the editor: each in its own worker thread (./run-worker), with a progress
 * notification that has Cancel, and one status bar item while any run is going.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import * as vscode from "vscode";
import type { BacktestSummary } from "../../src/run/backtest";
import type { RunCard } from "../../src/store/run-record";
import type { RunJobRequest, WorkerMessage } from "./run-messages";

export type RunOutcome =
  | { status: "done"; summary: BacktestSummary; run?: RunCard }
  | { status: "error"; message: string; expected: boolean };

export interface RunJob {
  readonly id: number;
  readonly kind: RunJobRequest["kind"];
  readonly title: string;
  /** `model/run-0007` once the store has claimed the run. */
  ref?: string;
  step: number;
  total: number;
  readonly outcome: Promise<RunOutcome>;
  cancel(): void;
}

export interface RunJobEvents {
  onRecord?(job: RunJob): void;
  onProgress?(job: RunJob): void;
  onEnd?(job: RunJob, outcome: RunOutcome): void;
}

export class RunJobs implements vscode.Disposable {
  private readonly jobs = new Map<number, RunJob & { worker: Worker }>();
  private nextId = 1;
  private readonly status = vscode.window.createStatusBarItem("aibt.runs", vscode.StatusBarAlignment.Left, 50);

  constructor(
    private readonly workerFile: string,
    private readonly events: RunJobEvents = {},
  ) {
    this.status.name = "AIBT runs";
    this.status.command = "aibt.cancelRun";
  }

  get running(): readonly RunJob[] {
    return [...this.jobs.values()];
  }

  byRef(ref: string): RunJob | undefined {
    return this.running.find((job) => job.ref === ref);
  }

  /** Starts a run in a worker; resolves with the job at once (its outcome settles later). */
  start(request: RunJobRequest, title: string): RunJob {
    // The endpoint setting goes into the worker's environment only, never the extension host's.
    const env = request.baseUrl ? { ...process.env, OPENAI_BASE_URL: request.baseUrl } : process.env;
    const worker = new Worker(this.workerFile, { workerData: request, env, name: `aibt ${request.kind}` });
    let settle!: (outcome: RunOutcome) => void;
    const outcome = new Promise<RunOutcome>((resolve) => (settle = resolve));
    const job: RunJob & { worker: Worker } = {
      id: this.nextId++,
      kind: request.kind,
      title,
      step: 0,
      total: 0,
      outcome,
      worker,
      cancel: () => worker.postMessage({ type: "cancel" }),
    };
    this.jobs.set(job.id, job);
    let ended = false;
    const end = (result: RunOutcome) => {
      if (ended) return;
      ended = true;
      this.jobs.delete(job.id);
      this.updateStatus();
      settle(result);
      this.events.onEnd?.(job, result);
      void worker.terminate();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "record") {
        job.ref = `${message.modelId}/${message.id}`;
        this.events.onRecord?.(job);
      } else if (message.type === "progress") {
        job.step = message.step;
        job.total = message.total;
        this.updateStatus();
        this.events.onProgress?.(job);
      } else if (message.type === "done") {
        end({ status: "done", summary: message.summary, ...(message.run ? { run: message.run } : {}) });
      } else {
        end({ status: "error", message: message.message, expected: message.expected });
      }
    });
    worker.on("error", (error) => end({ status: "error", message: `the run's worker failed: ${error.message}`, expected: false }));
    worker.on("exit", (code) => end({ status: "error", message: `the run's worker stopped (exit code ${code}) before the run ended`, expected: false }));
    this.updateStatus();
    return job;
  }

  /** Starts a run with a cancellable progress notification; resolves when it ends. */
  async startWithProgress(request: RunJobRequest, title: string): Promise<{ job: RunJob; outcome: RunOutcome }> {
    const job = this.start(request, title);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AIBT: ${title}`, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => job.cancel());
      let reported = 0;
      const timer = setInterval(() => {
        if (job.total === 0) return;
        const percent = (100 * job.step) / job.total;
        progress.report({ increment: percent - reported, message: `${job.ref ?? ""} ${job.step} of ${job.total} bars`.trim() });
        reported = percent;
      }, 250);
      try {
        return await job.outcome;
      } finally {
        clearInterval(timer);
      }
    });
    return { job, outcome };
  }

  private updateStatus(): void {
    const jobs = this.running;
    if (jobs.length === 0) {
      this.status.hide();
      return;
    }
    const first = jobs[0]!;
    const percent = first.total > 0 ? ` ${Math.floor((100 * first.step) / first.total)}%` : "";
    this.status.text = `$(sync~spin) AIBT ${jobs.length === 1 ? (first.ref ?? first.title) : `${jobs.length} runs`}${percent}`;
    this.status.tooltip = `${jobs.map((job) => `${job.title}${job.ref ? ` (${job.ref})` : ""}`).join("\n")}\nClick to cancel a run`;
    this.status.show();
  }

  dispose(): void {
    for (const job of this.jobs.values()) void job.worker.terminate();
    this.jobs.clear();
    this.status.dispose();
  }
}

export function workerFileOf(extensionPath: string): string {
  return path.join(extensionPath, "dist", "run-worker.js");
}
