/**
 * Writes one run: the only process that writes its files. Every step is appended to a journal as it
 * completes (a write(2) per step: a process killed with -9 loses nothing the kernel has), and the
 * journal is fsynced at each flush. The SQLite file is rewritten by atomic replace on a bounded
 * interval and at the end; then the journal, no longer needed, is removed.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import type { Database } from "sql.js";
import { InputError } from "../errors";
import { writeFileAtomic } from "../files";
import type { Order } from "../model/order";
import type { RecordedStatus, RunCard, RunHeader, StepRecord } from "./run-record";
import { migrate } from "./run-schema";
import { sqlite } from "./sqlite";

export interface RunWriterOptions {
  /** Longest time between two rewrites of the SQLite file while the run goes on. */
  flushIntervalMs?: number;
  /** Wall clock for flush timing and start/end stamps (injected in tests). */
  now?: () => number;
}

export interface RunFiles {
  database: string;
  journal: string;
  card: string;
}

export function runFiles(runsDir: string, modelId: string, runId: string): RunFiles {
  const base = path.join(runsDir, modelId, runId);
  return { database: `${base}.sqlite`, journal: `${base}.journal`, card: `${base}.card.json` };
}

export function runId(number: number): string {
  return `run-${String(number).padStart(4, "0")}`;
}

const RUN_NUMBER = /^run-(\d+)\./;

type NewRun = Omit<RunHeader, "id" | "number" | "startedAt" | "writer">;

export class RunWriter {
  private readonly journal: number;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private lastFlush: number;
  private stepsDone = 0;
  private closed = false;
  private pending: StepRecord[] = [];

  private constructor(
    readonly header: RunHeader,
    readonly files: RunFiles,
    private readonly db: Database,
    journal: number,
    options: RunWriterOptions,
  ) {
    this.journal = journal;
    this.now = options.now ?? Date.now;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.lastFlush = this.now();
  }

  /** Claims the model's next run number and writes the run's first state. */
  static async start(runsDir: string, run: NewRun, options: RunWriterOptions = {}): Promise<RunWriter> {
    const SQL = await sqlite();
    const dir = path.join(runsDir, run.modelId);
    mkdirSync(dir, { recursive: true });
    const now = options.now ?? Date.now;
    // The journal is created exclusively: two processes starting runs of one model get two numbers.
    let number = nextRunNumber(dir);
    let files: RunFiles;
    let journal: number;
    for (;;) {
      files = runFiles(runsDir, run.modelId, runId(number));
      try {
        if (existsSync(files.database)) throw Object.assign(new Error("taken"), { code: "EEXIST" });
        journal = openSync(files.journal, "wx");
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        number++;
      }
    }
    const header: RunHeader = {
      ...run,
      id: runId(number),
      number,
      startedAt: new Date(now()).toISOString(),
      writer: { pid: process.pid, host: hostname() },
    };
    writeSync(journal, `${JSON.stringify({ journal: 1, header })}\n`);
    const db = new SQL.Database();
    migrate(db, files.database);
    insertRunRow(db, header);
    const writer = new RunWriter(header, files, db, journal, options);
    writer.flush("running");
    return writer;
  }

  get id(): string {
    return this.header.id;
  }

  /** Records a completed step: journaled now, in the database at the next flush. */
  step(record: StepRecord): void {
    if (this.closed) throw new Error(`run ${this.header.id} is already finished`);
    try {
      writeSync(this.journal, `${JSON.stringify(record)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(
        `cannot record step ${record.step} of ${this.header.modelId}/${this.header.id} (${code})`,
        code === "ENOSPC" ? "Free some disk space; the steps recorded so far are kept and the run will be marked interrupted" : "Check the workspace folder",
        { file: this.files.journal },
      );
    }
    this.pending.push(record);
    this.stepsDone = record.step + 1;
    if (this.now() - this.lastFlush >= this.flushIntervalMs) this.flush("running");
  }

  /** The last flush: final status, error and metrics; final order statuses; the journal removed. */
  finish(status: Exclude<RecordedStatus, "running">, outcome: { error?: string; metrics?: Record<string, unknown>; orders?: readonly Order[] } = {}): RunCard {
    if (this.closed) throw new Error(`run ${this.header.id} is already finished`);
    if (outcome.orders) {
      const update = this.db.prepare("UPDATE orders SET status = ? WHERE id = ?");
      for (const order of outcome.orders) update.run([order.status, order.id]);
      update.free();
    }
    const card = this.flush(status, outcome.error ?? null, outcome.metrics ?? null, new Date(this.now()).toISOString());
    this.closed = true;
    closeSync(this.journal);
    rmSync(this.files.journal, { force: true });
    this.db.close();
    return card;
  }

  /**
   * Lets go of the run without writing anything more (when even the final flush fails): the journal
   * stays on disk, so the next open recovers the run as interrupted.
   */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.journal);
    this.db.close();
  }

  private flush(status: RecordedStatus, error: string | null = null, metrics: Record<string, unknown> | null = null, endedAt: string | null = null): RunCard {
    insertSteps(this.db, this.pending);
    this.pending = [];
    this.db.run("UPDATE run SET status = ?, error = ?, ended_at = ?, steps_done = ?, metrics = ?", [
      status,
      error,
      endedAt,
      this.stepsDone,
      metrics === null ? null : JSON.stringify(metrics),
    ]);
    // Journal first (so nothing is only in memory), then the database, then its card.
    fsyncSync(this.journal);
    writeFileAtomic(this.files.database, this.db.export());
    const card = cardOf(this.header, status, error, endedAt, this.stepsDone, metrics);
    writeFileAtomic(this.files.card, `${JSON.stringify(card)}\n`);
    this.lastFlush = this.now();
    return card;
  }
}

export function nextRunNumber(dir: string): number {
  let highest = 0;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const match = RUN_NUMBER.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

export function cardOf(header: RunHeader, status: RecordedStatus, error: string | null, endedAt: string | null, stepsDone: number, metrics: Record<string, unknown> | null): RunCard {
  return {
    id: header.id,
    modelId: header.modelId,
    number: header.number,
    mode: header.mode,
    status,
    error,
    startedAt: header.startedAt,
    endedAt,
    stepsDone,
    stepsTotal: header.stepsTotal,
    data: header.data,
    metrics,
  };
}

export function insertRunRow(db: Database, header: RunHeader): void {
  db.run(
    "INSERT INTO run (id, model_id, number, mode, status, error, started_at, ended_at, steps_done, steps_total, snapshot, data, metrics) VALUES (?, ?, ?, ?, 'running', NULL, ?, NULL, 0, ?, ?, ?, NULL)",
    [header.id, header.modelId, header.number, header.mode, header.startedAt, header.stepsTotal, JSON.stringify(header.snapshot ?? null), JSON.stringify(header.data ?? null)],
  );
}

/** Adds steps to the database in one transaction (a million single inserts would take minutes). */
export function insertSteps(db: Database, steps: readonly StepRecord[]): void {
  if (steps.length === 0) return;
  db.run("BEGIN");
  const equity = db.prepare("INSERT OR REPLACE INTO equity VALUES (?, ?, ?, ?, ?)");
  const order = db.prepare("INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const fill = db.prepare("INSERT INTO fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const blocked = db.prepare("INSERT INTO blocked VALUES (?, ?, ?, ?, ?, ?, ?)");
  const position = db.prepare("INSERT OR REPLACE INTO positions VALUES (?, ?, ?)");
  const decision = db.prepare("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?)");
  const exchange = db.prepare("INSERT OR REPLACE INTO cassette VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const s of steps) {
    equity.run([s.step, s.time, s.equity, s.cash, s.exposure]);
    for (const o of s.orders ?? []) {
      order.run([o.id, o.submittedStep, o.submittedTime, o.symbol, o.side, o.type, String(o.quantity), o.limitPrice ?? null, o.stopPrice ?? null, o.timeInForce, o.reason ?? null, o.idempotencyKey ?? null, o.status]);
    }
    for (const f of s.fills ?? []) fill.run([f.orderId, f.step, f.time, f.symbol, f.side, f.quantity, f.price, f.commission, f.reason ?? null]);
    for (const b of s.blocked ?? []) blocked.run([b.step, b.time, b.symbol, b.side, b.quantity === null ? null : String(b.quantity), b.rule, b.reason]);
    for (const [symbol, quantity] of s.positions ?? []) position.run([s.step, symbol, quantity]);
    if (s.decision !== undefined || s.reasoning !== undefined) {
      decision.run([s.step, s.time, s.decision === undefined ? null : JSON.stringify(s.decision), s.reasoning === undefined ? null : JSON.stringify(s.reasoning)]);
    }
    for (const e of s.exchanges ?? []) {
      exchange.run([e.key, e.step, e.model, JSON.stringify(e.request), JSON.stringify(e.response), e.promptTokens, e.completionTokens, e.latencyMs]);
    }
  }
  for (const statement of [equity, order, fill, blocked, position, decision, exchange]) statement.free();
  db.run("COMMIT");
}
