// A tslab kernel driven over the Jupyter messaging protocol: one process per notebook, cells run one at
// a time, their outputs as nbformat outputs, with interrupt, restart and death handled.
//
// What tslab does and how it is mapped (tslab 1.0.22):
// - It prints a cell's last value with console.log and its errors with console.error, as stream text.
//   The preload (./preload) tags that text, so the value becomes an `execute_result` (text/plain) and
//   the error an `error` output with the cell's own line numbers; the cell's own prints stay streams.
// - It sends no execute_input; the execution count comes from execute_reply (and is predicted, as the
//   previous count + 1, for an execute_result shown while the cell runs).
// - After a failed cell it cancels requests arriving within 200 ms ("abort"): cells here are sent one
//   at a time, the next one 250 ms after a failure at the earliest, and resent if tslab aborts it anyway.
// - SIGINT breaks a synchronous loop (Node: "Script execution was interrupted by `SIGINT`") and rejects
//   the awaited promise ("Interrupted asynchronously"); both become status "aborted" without an error
//   output, and variables of earlier cells survive. A SIGINT that lands while tslab compiles is lost,
//   so it is repeated until the cell ends. A loop running after an `await` (in a callback) cannot be
//   interrupted: restart() is then the way out.
// - Errors of a function defined in an earlier cell point into that cell ("at f (<cell 3>:5:9)").
// - Output a cell prints after it finished (timers) belongs to no result and is dropped; it shows up
//   in the next cell if that cell is running by then, as in Jupyter with tslab.
import { performance } from "node:perf_hooks";
import { CellOutputs } from "./outputs";
import { INTERNAL_MIME, type InternalMessage } from "./preload";
import { describeExit, KernelError, KernelSession, type Exit } from "./session";
import { compileError, isInterruption, runtimeError, type CompiledCell } from "./traceback";
import type { JupyterMessage } from "./wire";

export { KernelError } from "./session";

export type CellOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }
  | { output_type: "execute_result"; execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface ExecutionResult {
  status: "ok" | "error" | "aborted";
  executionCount: number | null;
  /** nbformat outputs in order; consecutive stream chunks of the same name merged; update_display_data applied to the display with the same display_id. */
  outputs: CellOutput[];
  /** ISO time the kernel started executing (from the status busy / execute_input) */
  startedAt: string;
  durationMs: number;
}

export interface KernelOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  /**
   * The aibt package cells import (`aibt/notebook`, `aibt/engine`) when the notebook's folder and the
   * folders above it have no node_modules/aibt: the folder holding its package.json and dist/.
   * Default: the package this code is part of (the repository, or the extension's installed folder).
   */
  aibtPackage?: string;
}

export interface ExecuteOptions {
  onOutput?: (output: CellOutput, update: boolean) => void;
}

/** tslab cancels requests that arrive within 200 ms of a failed cell. */
const AFTER_ERROR_MS = 250;
const ABORT_RETRIES = 3;
/** While an interrupt is pending, SIGINT again: tslab misses one that arrives while it compiles. */
const INTERRUPT_REPEAT_MS = 250;
/**
 * After the reply, the idle status still has to come: iopub and shell are separate sockets, and the
 * kernel may still be sending a burst of output. Give up waiting after this long without a message.
 */
const IDLE_AFTER_REPLY_MS = 2_000;
const MAX_COMPILED_CELLS = 500;

export class TslabKernel {
  private session: KernelSession | undefined;
  /** The kernel being (re)started; cells wait for it. */
  private ready: Promise<void> = Promise.resolve();
  /** Bumped by restart and shutdown: cells queued before it are aborted. */
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private current: CellRun | undefined;
  private deathReason: string | undefined;
  private closing: Promise<void> | undefined;
  private readonly dieListeners = new Set<(reason: string) => void>();
  private lastCount = 0;
  private notBefore = 0;
  /** Compiled cells by script name (tslab-cell-N), to map stack frames of functions they define. */
  private readonly cells = new Map<string, CompiledCell>();

  private constructor(private readonly options: KernelOptions) {}

  /** Spawns `tslab kernel` in `options.cwd`; resolves after its kernel_info_reply. */
  static async start(options: KernelOptions, signal?: AbortSignal): Promise<TslabKernel> {
    const kernel = new TslabKernel(options);
    await kernel.launch(signal);
    return kernel;
  }

  /** The process exited unexpectedly (not through shutdown or restart). */
  get dead(): boolean {
    return this.deathReason !== undefined;
  }

  onDidDie(listener: (reason: string) => void): () => void {
    this.dieListeners.add(listener);
    return () => this.dieListeners.delete(listener);
  }

  /**
   * Runs one cell; onOutput sees each output as it arrives (update=true for update_display_data).
   * Aborting the signal interrupts the kernel; the result then has status "aborted". A kernel that
   * dies during the cell gives status "error" with an error output saying so; on a dead or shut-down
   * kernel execute rejects with a KernelError.
   */
  execute(code: string, options: ExecuteOptions = {}, signal?: AbortSignal): Promise<ExecutionResult> {
    if (this.closing) return Promise.reject(new KernelError("the tslab kernel was shut down; start a new one"));
    if (this.deathReason !== undefined) return Promise.reject(new KernelError(this.deathReason));
    const generation = this.generation;
    const result = this.queue.then(() => this.run(code, options, generation, signal));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** SIGINT to the kernel process: stops the running cell (see the notes at the top). */
  async interrupt(): Promise<void> {
    if (this.current) this.current.interrupted = true;
    this.session?.interrupt();
  }

  /** A fresh kernel process with the same options: every variable is gone; running and queued cells end "aborted". */
  async restart(): Promise<void> {
    if (this.closing) throw new KernelError("the tslab kernel was shut down; start a new one");
    this.generation++;
    this.current?.finish({ status: "aborted" });
    // Restarting, not dead: cells sent meanwhile wait for the new process.
    this.deathReason = undefined;
    const previous = this.ready;
    this.ready = (async () => {
      await previous.catch(() => undefined);
      const old = this.session;
      this.session = undefined;
      await old?.kill();
      await this.launch();
    })();
    try {
      await this.ready;
    } catch (error) {
      this.deathReason = `the tslab kernel could not restart: ${(error as Error).message}`;
      throw error instanceof KernelError ? error : new KernelError(this.deathReason);
    }
  }

  /** shutdown_request, then SIGKILL if the process does not exit; closes the sockets. Idempotent. */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      this.generation++;
      this.current?.finish({ status: "aborted" });
      await this.ready.catch(() => undefined);
      const session = this.session;
      this.session = undefined;
      await session?.stop();
    })();
    return this.closing;
  }

  private async launch(signal?: AbortSignal): Promise<void> {
    const session = await KernelSession.start(this.options, signal);
    session.onExit = (exit) => this.exited(session, exit);
    session.onProtocolError = (error) => {
      if (session === this.session) this.current?.fail(error.message);
    };
    this.session = session;
    this.deathReason = undefined;
    this.lastCount = 0;
    this.notBefore = 0;
    this.cells.clear();
  }

  private exited(session: KernelSession, exit: Exit): void {
    // A session stopped by shutdown or restart is no longer this.session.
    if (session !== this.session) return;
    this.session = undefined;
    const tail = session.tail();
    const reason = `the tslab kernel died (${describeExit(exit)})${tail ? `: ${tail}` : ""}; restart it`;
    this.deathReason = reason;
    this.current?.fail(reason);
    for (const listener of [...this.dieListeners]) {
      try {
        listener(reason);
      } catch {
        // One listener's failure must not keep the others from hearing it.
      }
    }
  }

  private async run(code: string, options: ExecuteOptions, generation: number, signal?: AbortSignal): Promise<ExecutionResult> {
    const queuedAt = new Date().toISOString();
    const aborted = (): ExecutionResult => ({ status: "aborted", executionCount: null, outputs: [], startedAt: queuedAt, durationMs: 0 });
    await this.ready.catch(() => undefined);
    if (generation !== this.generation || this.closing || signal?.aborted) return aborted();
    if (this.deathReason !== undefined || !this.session) {
      const reason = this.deathReason ?? "the tslab kernel is not running; restart it";
      return {
        status: "error",
        executionCount: null,
        outputs: [{ output_type: "error", ename: "KernelError", evalue: reason, traceback: [reason] }],
        startedAt: queuedAt,
        durationMs: 0,
      };
    }
    for (let attempt = 1; ; attempt++) {
      const wait = this.notBefore - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (generation !== this.generation || signal?.aborted) return aborted();
      const result = await this.runOnce(this.session, code, options, signal);
      if (result !== "cancelled-by-tslab") return result;
      if (attempt >= ABORT_RETRIES) return aborted();
      this.notBefore = Date.now() + AFTER_ERROR_MS;
    }
  }

  private runOnce(session: KernelSession, code: string, options: ExecuteOptions, signal?: AbortSignal): Promise<ExecutionResult | "cancelled-by-tslab"> {
    return new Promise((resolve) => {
      const outputs = new CellOutputs(options.onOutput);
      const run = new CellRun(outputs, (outcome) => {
        session.forget(request.header.msg_id);
        signal?.removeEventListener("abort", onAbort);
        clearInterval(repeat);
        if (this.current === run) this.current = undefined;
        resolve(outcome === "cancelled-by-tslab" ? outcome : this.result(run, outcome));
      });
      let repeat: NodeJS.Timeout | undefined;
      const onAbort = () => {
        run.interrupted = true;
        session.interrupt();
        repeat ??= setInterval(() => session.interrupt(), INTERRUPT_REPEAT_MS);
      };
      run.code = code;
      this.current = run;
      const request = session.request(
        "shell",
        "execute_request",
        { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        { iopub: (message) => this.iopub(run, message), reply: (message) => run.replied(message) },
      );
      run.sentAt = performance.now();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private iopub(run: CellRun, message: JupyterMessage): void {
    run.heard();
    const content = message.content;
    switch (message.header.msg_type) {
      case "status":
        if (content.execution_state === "busy") run.busy(message.header.date);
        else if (content.execution_state === "idle") run.idled();
        break;
      case "execute_input":
        run.busy(message.header.date);
        break;
      case "stream":
        run.outputs.stream(content.name === "stderr" ? "stderr" : "stdout", String(content.text ?? ""));
        break;
      case "display_data": {
        const internal = (content.data as Record<string, unknown> | undefined)?.[INTERNAL_MIME] as InternalMessage | undefined;
        if (internal) this.internal(run, internal);
        else run.outputs.display(content, false);
        break;
      }
      case "update_display_data":
        run.outputs.display(content, true);
        break;
      case "execute_result":
        run.outputs.result(
          typeof content.execution_count === "number" ? content.execution_count : this.lastCount + 1,
          (content.data ?? {}) as Record<string, unknown>,
          (content.metadata ?? {}) as Record<string, unknown>,
        );
        break;
      case "error":
        run.outputs.error(String(content.ename ?? "Error"), String(content.evalue ?? ""), (content.traceback as string[] | undefined) ?? []);
        break;
    }
  }

  private internal(run: CellRun, message: InternalMessage): void {
    switch (message.kind) {
      case "compiled":
        // The source is the cell being run; the label gets its execution count with the reply.
        this.cells.set(message.file, { source: run.code ?? "", compiled: message.code, label: "<cell>" });
        run.compiledFiles.push(message.file);
        while (this.cells.size > MAX_COMPILED_CELLS) this.cells.delete(this.cells.keys().next().value!);
        break;
      case "value":
        run.outputs.result(this.lastCount + 1, { "text/plain": message.text.replace(/\n$/, "") });
        break;
      case "error":
        run.errorTexts.push(message.text);
        break;
      case "diagnostic":
        run.diagnostics.push(message.text);
        break;
    }
  }

  private result(run: CellRun, outcome: Outcome): ExecutionResult {
    let status = outcome.status;
    const count = outcome.executionCount ?? null;
    if (count !== null) {
      this.lastCount = count;
      run.outputs.settleCount(count);
      for (const file of run.compiledFiles) {
        const cell = this.cells.get(file);
        if (cell) cell.label = `<cell ${count}>`;
      }
    }
    if (outcome.failure !== undefined) {
      run.outputs.error("KernelError", outcome.failure, [outcome.failure]);
    } else if (status === "error") {
      this.notBefore = Date.now() + AFTER_ERROR_MS;
      const text = run.errorTexts.join("");
      if (run.diagnostics.length > 0) {
        const error = compileError(run.diagnostics);
        run.outputs.error(error.ename, error.evalue, error.traceback);
      } else if (run.interrupted && isInterruption(text)) {
        status = "aborted";
      } else if (text !== "") {
        const error = runtimeError(text, (file) => this.cells.get(file));
        run.outputs.error(error.ename, error.evalue, error.traceback);
      } else {
        run.outputs.error("Error", "the cell failed (tslab gave no error message)", []);
      }
    } else {
      // tslab reports problems of `%module` cells but runs them: keep what it said.
      for (const text of [...run.diagnostics, ...run.errorTexts]) run.outputs.stream("stderr", text);
    }
    const end = outcome.at ?? performance.now();
    return {
      status,
      executionCount: count,
      outputs: run.outputs.list,
      startedAt: run.startedAt ?? new Date(performance.timeOrigin + (run.sentAt ?? end)).toISOString(),
      durationMs: Math.max(0, Math.round(end - (run.startedMs ?? run.sentAt ?? end))),
    };
  }
}

interface Outcome {
  status: ExecutionResult["status"];
  executionCount?: number | null;
  /** The kernel died or the connection broke: an error output saying so. */
  failure?: string;
  /** performance.now() of the reply. */
  at?: number;
}

/** One execute_request in flight: what has arrived so far, and when it is complete (reply and idle). */
class CellRun {
  startedAt: string | undefined;
  startedMs: number | undefined;
  sentAt: number | undefined;
  interrupted = false;
  code: string | undefined;
  readonly errorTexts: string[] = [];
  readonly diagnostics: string[] = [];
  readonly compiledFiles: string[] = [];
  private reply: JupyterMessage | undefined;
  private replyAt = 0;
  private idle = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    readonly outputs: CellOutputs,
    private readonly settle: (outcome: Outcome | "cancelled-by-tslab") => void,
  ) {}

  busy(date: string | undefined): void {
    if (this.startedAt !== undefined) return;
    this.startedMs = performance.now();
    this.startedAt = date && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString() : new Date().toISOString();
  }

  idled(): void {
    this.idle = true;
    if (this.reply) this.complete();
  }

  replied(message: JupyterMessage): void {
    this.reply = message;
    this.replyAt = performance.now();
    if (this.idle) this.complete();
    else this.heard();
  }

  /** An iopub message for this cell arrived: after the reply, wait for the idle status a while longer. */
  heard(): void {
    if (!this.reply || this.done) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.complete(), IDLE_AFTER_REPLY_MS);
  }

  fail(reason: string): void {
    this.finish({ status: "error", failure: reason });
  }

  finish(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.idleTimer);
    this.settle(outcome);
  }

  private complete(): void {
    const content = this.reply!.content;
    if (content.status === "abort" || content.status === "aborted") {
      if (this.done) return;
      this.done = true;
      clearTimeout(this.idleTimer);
      this.settle(this.interrupted ? { status: "aborted", at: this.replyAt } : "cancelled-by-tslab");
      return;
    }
    this.finish({
      status: content.status === "ok" ? "ok" : "error",
      executionCount: typeof content.execution_count === "number" ? content.execution_count : null,
      at: this.replyAt,
    });
  }
}
