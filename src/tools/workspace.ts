/**
 * What the workspace tools work on: the models and runs of one workspace, a cache of open run files
 * (so a thousand questions about one run do not load it a thousand times), and the runs this process
 * started (so they can be cancelled).
 */
import { statSync } from "node:fs";
import { ModelStore } from "../store/models";
import type { RunReader } from "../store/run-reader";
import { RunStore } from "../store/runs";

export interface RunJob {
  /** The model (or built-in strategy) the run is of. */
  model: string;
  controller: AbortController;
  kind: "backtest" | "replay";
  startedAt: string;
}

export class WorkspaceToolContext {
  readonly models: ModelStore;
  readonly runs: RunStore;
  /** Runs started through the tools of this process, by job id. */
  readonly jobs = new Map<string, RunJob>();
  private readonly readers = new Map<string, { reader: RunReader; mtimeMs: number; size: number }>();
  /** Run references already resolved to their files (resolving checks the disk). */
  private readonly files = new Map<string, string>();

  constructor(readonly dir: string) {
    this.models = new ModelStore(dir);
    this.runs = new RunStore(dir);
  }

  /** A reader for a run, reopened only when its file changed since it was opened. */
  async reader(ref: string): Promise<RunReader> {
    let file = this.files.get(ref);
    if (file === undefined) {
      file = this.runs.resolve(ref).database;
      this.files.set(ref, file);
    }
    let stat: { mtimeMs: number; size: number } | undefined;
    try {
      stat = statSync(file);
    } catch {
      stat = undefined; // not there yet (a run still being claimed), or being recovered: open() explains
    }
    const cached = this.readers.get(file);
    if (cached && stat && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.reader;
    if (!stat) this.files.delete(ref); // gone (deleted, or never there): resolve again next time, and let open() explain
    const reader = await this.runs.open(ref);
    cached?.reader.close();
    const fresh = statSync(file);
    this.readers.set(file, { reader, mtimeMs: fresh.mtimeMs, size: fresh.size });
    return reader;
  }

  close(): void {
    for (const { reader } of this.readers.values()) reader.close();
    this.readers.clear();
    for (const job of this.jobs.values()) job.controller.abort();
  }
}
