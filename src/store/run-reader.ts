/**
 * Opens a run file read-only: the bytes are loaded into an in-memory database and never written back.
 * A corrupt or truncated file, or one from a newer AIBT, is refused with a clear message.
 */
import { readFileSync } from "node:fs";
import type { Database, SqlValue } from "sql.js";
import { Cassette } from "../agent/cassette";
import { InputError } from "../errors";
import type { RecordedStatus, RunCard, RunMode } from "./run-record";
import { migrate } from "./run-schema";
import { sqlite } from "./sqlite";

const SQLITE_MAGIC = "SQLite format 3\0";

export interface EquityPoint {
  step: number;
  time: number;
  equity: number;
  cash: number;
  exposure: number;
}

export interface FillRow {
  orderId: number;
  step: number;
  time: number;
  symbol: string;
  side: string;
  quantity: number;
  price: number;
  commission: number;
  reason: string | null;
}

export class RunReader {
  private constructor(
    readonly file: string,
    private readonly db: Database,
  ) {}

  static async open(file: string): Promise<RunReader> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(code === "ENOENT" ? "run file not found" : `cannot read the run file (${code})`, "Check the run id with `aibt runs list`", { file });
    }
    if (bytes.length < 100 || bytes.subarray(0, 16).toString("latin1") !== SQLITE_MAGIC) {
      throw new InputError("not a run file (no SQLite header): it is corrupt or truncated", "Delete it or restore it from a backup; it is left untouched", { file });
    }
    const SQL = await sqlite();
    const db = new SQL.Database(bytes);
    try {
      const check = db.exec("PRAGMA quick_check");
      const verdict = String(check[0]?.values[0]?.[0] ?? "");
      if (verdict !== "ok") throw new Error(verdict);
      migrate(db, file);
      if (db.exec("SELECT count(*) FROM run")[0]?.values[0]?.[0] !== 1) throw new Error("no run row");
    } catch (error) {
      db.close();
      if (error instanceof InputError) throw error;
      throw new InputError(`the run file is corrupt or truncated (${error instanceof Error ? error.message : String(error)})`, "Delete it or restore it from a backup; it is left untouched", { file });
    }
    return new RunReader(file, db);
  }

  card(): RunCard {
    const [row] = this.rows("SELECT id, model_id, number, mode, status, error, started_at, ended_at, steps_done, steps_total, data, metrics FROM run");
    return {
      id: String(row![0]),
      modelId: String(row![1]),
      number: Number(row![2]),
      mode: String(row![3]) as RunMode,
      status: String(row![4]) as RecordedStatus,
      error: row![5] === null ? null : String(row![5]),
      startedAt: String(row![6]),
      endedAt: row![7] === null ? null : String(row![7]),
      stepsDone: Number(row![8]),
      stepsTotal: Number(row![9]),
      data: JSON.parse(String(row![10])),
      metrics: row![11] === null ? null : (JSON.parse(String(row![11])) as Record<string, unknown>),
    };
  }

  /** The frozen model definition or settings the run was made with. */
  snapshot(): unknown {
    return JSON.parse(String(this.rows("SELECT snapshot FROM run")[0]![0]));
  }

  equity(fromStep = 0, toStep = Number.MAX_SAFE_INTEGER): EquityPoint[] {
    return this.rows("SELECT step, time, equity, cash, exposure FROM equity WHERE step BETWEEN ? AND ? ORDER BY step", [fromStep, toStep]).map(
      ([step, time, equity, cash, exposure]) => ({ step: Number(step), time: Number(time), equity: Number(equity), cash: Number(cash), exposure: Number(exposure) }),
    );
  }

  fills(): FillRow[] {
    return this.rows("SELECT order_id, step, time, symbol, side, quantity, price, commission, reason FROM fills ORDER BY step, rowid").map(
      ([orderId, step, time, symbol, side, quantity, price, commission, reason]) => ({
        orderId: Number(orderId),
        step: Number(step),
        time: Number(time),
        symbol: String(symbol),
        side: String(side),
        quantity: Number(quantity),
        price: Number(price),
        commission: Number(commission),
        reason: reason === null ? null : String(reason),
      }),
    );
  }

  blocked(): { step: number; symbol: string; side: string; rule: string; reason: string }[] {
    return this.rows("SELECT step, symbol, side, rule, reason FROM blocked ORDER BY step, rowid").map(([step, symbol, side, rule, reason]) => ({
      step: Number(step),
      symbol: String(symbol),
      side: String(side),
      rule: String(rule),
      reason: String(reason),
    }));
  }

  /** The last step at or before `time` (epoch ms), or -1 if the run had not started then. */
  stepAt(time: number): number {
    return Number(this.rows("SELECT coalesce(max(step), -1) FROM equity WHERE time <= ?", [time])[0]![0]);
  }

  /** Equity, cash and exposure at one step's close. */
  equityAt(step: number): EquityPoint | undefined {
    return this.equity(step, step)[0];
  }

  orderCount(): number {
    return Number(this.rows("SELECT count(*) FROM orders")[0]![0]);
  }

  /** Positions held after `step`: the latest recorded quantity of each symbol at or before it. */
  positionsAt(step: number): Record<string, number> {
    const held: Record<string, number> = {};
    for (const [symbol, quantity] of this.rows(
      "SELECT p.symbol, p.quantity FROM (SELECT symbol, max(step) AS last FROM positions WHERE step <= ? GROUP BY symbol) m JOIN positions p ON p.symbol = m.symbol AND p.step = m.last",
      [step],
    )) {
      if (Number(quantity) !== 0) held[String(symbol)] = Number(quantity);
    }
    return held;
  }

  /** The run's decisions with their reasoning, in step order. */
  decisions(fromStep = 0, toStep = Number.MAX_SAFE_INTEGER): { step: number; time: number; decision: unknown; reasoning: unknown }[] {
    return this.rows("SELECT step, time, decision, reasoning FROM decisions WHERE step BETWEEN ? AND ? ORDER BY step", [fromStep, toStep]).map(([step, time, decision, reasoning]) => ({
      step: Number(step),
      time: Number(time),
      decision: decision === null ? null : JSON.parse(String(decision)),
      reasoning: reasoning === null ? null : JSON.parse(String(reasoning)),
    }));
  }

  /** The run's LLM exchanges: replaying them reproduces its decisions without calling the model. */
  cassette(): Cassette {
    return new Cassette(
      this.rows("SELECT key, step, model, request, response, prompt_tokens, completion_tokens, latency_ms FROM cassette ORDER BY step, rowid").map(
        ([key, step, model, request, response, promptTokens, completionTokens, latencyMs]) => ({
          key: String(key),
          step: Number(step),
          model: String(model),
          request: JSON.parse(String(request)),
          response: JSON.parse(String(response)),
          promptTokens: Number(promptTokens),
          completionTokens: Number(completionTokens),
          latencyMs: Number(latencyMs),
        }),
      ),
    );
  }

  close(): void {
    this.db.close();
  }

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    return this.db.exec(sql, params)[0]?.values ?? [];
  }
}
