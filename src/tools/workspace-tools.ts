/**
 * The inspection and run tools over a workspace: what an AI in the editor (over MCP) or `@aibt` in
 * chat uses to answer "why did my model sell NVDA on the 14th?". Lists are paged (cursor, limit) and
 * capped; nothing returned holds a secret (model files and run files never contain keys).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { formatMarketTime, parseMarketTime } from "../data/calendar";
import { loadDataFile } from "../data/feeds";
import { normalizeSymbol } from "../data/symbols";
import { backtest, summaryOf } from "../run/backtest";
import type { BacktestOptions, BacktestSummary } from "../run/backtest";
import { replay } from "../run/replay";
import type { ReplayOptions } from "../run/replay";
import { SESSION_NAMES } from "../data/sessions";
import { ModelDefinitionSchema } from "../store/model-definition";
import type { RunCard } from "../store/run-record";
import { defineTool, ToolError } from "./tool";
import type { Tool, ToolContext } from "./tool";
import type { WorkspaceToolContext } from "./workspace";

const MAX_PAGE = 500;
const RunRef = z.string().min(1).describe("A run: MODEL/run-NNNN (from list_runs) or MODEL/N");
const Cursor = z.string().optional().describe("From the previous page's nextCursor");
const Limit = (fallback: number) => z.number().int().min(1).max(MAX_PAGE).default(fallback).describe(`Items per page (at most ${MAX_PAGE})`);
const Time = z.string().describe("A date (YYYY-MM-DD) or a time (ISO 8601, e.g. 2013-10-07T10:15:00-04:00)");

function workspaceOf(context: ToolContext): WorkspaceToolContext {
  if (!context.workspace) throw new ToolError("this tool needs a workspace, and none is open");
  return context.workspace;
}

function timeOf(text: string, field: string): number {
  const parsed = parseMarketTime(text);
  if (!parsed) throw new ToolError(`${field} "${text}" is not a date or time; use YYYY-MM-DD or ISO 8601`);
  return parsed.time;
}

/** Pages over a list: the cursor is the offset, opaque to callers. */
function page<T>(items: readonly T[], cursor: string | undefined, limit: number): { items: T[]; nextCursor?: string; total: number } {
  const start = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new ToolError(`cursor "${cursor}" is not one this tool gave out; start again without a cursor`);
  const end = Math.min(items.length, start + limit);
  return { items: items.slice(start, end), ...(end < items.length ? { nextCursor: String(end) } : {}), total: items.length };
}

const CardSchema = z.object({
  run: z.string(),
  modelId: z.string(),
  number: z.number(),
  mode: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  stepsDone: z.number(),
  stepsTotal: z.number(),
  data: z.unknown(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
});

const card = (c: RunCard) => ({ run: `${c.modelId}/${c.id}`, ...c });

export const listModelsTool = defineTool({
  name: "list_models",
  title: "List models",
  description: "The model definitions of the workspace: id, name, strategy (an LLM with its model id, or a coded strategy), version. Files that fail to load are listed as problems.",
  input: z.object({}),
  output: z.object({
    models: z.array(z.object({ id: z.string(), name: z.string(), strategy: z.string(), version: z.number(), updatedAt: z.string() })),
    problems: z.array(z.object({ file: z.string(), message: z.string() })),
  }),
  kind: "inspection",
  writes: false,
  handler(_input, context) {
    const { models, problems } = workspaceOf(context).models.list();
    return {
      models: models.map((m) => ({ id: m.id, name: m.name, strategy: m.strategy.kind === "llm" ? `llm ${m.strategy.model}` : m.strategy.name, version: m.version, updatedAt: m.updatedAt })),
      problems: problems.map((p) => ({ file: p.file, message: p.message })),
    };
  },
});

export const getModelTool = defineTool({
  name: "get_model",
  title: "Get a model",
  description: "One model definition in full: strategy, parameters, rules, instructions, tickers, cash, risk limits.",
  input: z.object({ id: z.string().min(1) }),
  output: z.object({ model: ModelDefinitionSchema }),
  kind: "inspection",
  writes: false,
  handler({ id }, context) {
    return { model: workspaceOf(context).models.get(id) };
  },
});

export const listRunsTool = defineTool({
  name: "list_runs",
  title: "List runs",
  description: "Recorded runs, newest first per model, with status (running, completed, failed, cancelled), mode (daily or intraday), data range and headline metrics. Paged.",
  input: z.object({ model: z.string().optional(), status: z.enum(["running", "completed", "failed", "cancelled"]).optional(), cursor: Cursor, limit: Limit(50) }),
  output: z.object({ runs: z.array(CardSchema), nextCursor: z.string().optional(), total: z.number(), problems: z.array(z.object({ file: z.string(), message: z.string() })) }),
  kind: "inspection",
  writes: false,
  async handler({ model, status, cursor, limit }, context) {
    const { runs, problems } = await workspaceOf(context).runs.list(model);
    const chosen = runs.filter((r) => status === undefined || r.status === status).map(card);
    const { items, nextCursor, total } = page(chosen, cursor, limit);
    return { runs: items, ...(nextCursor ? { nextCursor } : {}), total, problems };
  },
});

export const getRunTool = defineTool({
  name: "get_run",
  title: "Get a run",
  description: "One run: status (with the error if it failed), the frozen settings it ran with (snapshot), its data, counts of fills, orders, blocked orders and decisions, and its metrics.",
  input: z.object({ run: RunRef }),
  output: z.object({ run: CardSchema, snapshot: z.unknown(), counts: z.object({ fills: z.number(), orders: z.number(), blocked: z.number(), decisions: z.number() }) }),
  kind: "inspection",
  writes: false,
  async handler({ run }, context) {
    const reader = await workspaceOf(context).reader(run);
    return {
      run: card(reader.card()),
      snapshot: reader.snapshot(),
      counts: { fills: reader.fills().length, orders: reader.orderCount(), blocked: reader.blocked().length, decisions: reader.decisions().length },
    };
  },
});

export const getPositionsTool = defineTool({
  name: "get_positions",
  title: "Get positions",
  description:
    "Positions of a run. With `at`: the holdings, cash and equity at that time's close (the last step at or before it). Without: every change of a position over [from, to], paged.",
  input: z.object({ run: RunRef, at: Time.optional(), from: Time.optional(), to: Time.optional(), cursor: Cursor, limit: Limit(100) }),
  output: z.object({
    at: z.object({ step: z.number(), time: z.string(), cash: z.number(), equity: z.number(), positions: z.record(z.string(), z.number()) }).optional(),
    changes: z.array(z.object({ step: z.number(), time: z.string(), symbol: z.string(), side: z.string(), quantity: z.number(), price: z.number(), holding: z.number() })).optional(),
    nextCursor: z.string().optional(),
    total: z.number().optional(),
  }),
  kind: "inspection",
  writes: false,
  async handler({ run, at, from, to, cursor, limit }, context) {
    const reader = await workspaceOf(context).reader(run);
    if (at !== undefined) {
      const step = reader.stepAt(timeOf(at, "at"));
      if (step < 0) throw new ToolError(`the run had not started at ${at}; it starts ${reader.card().startedAt}`);
      const point = reader.equityAt(step)!;
      return { at: { step, time: formatMarketTime(point.time), cash: point.cash, equity: point.equity, positions: reader.positionsAt(step) } };
    }
    const lower = from === undefined ? -Infinity : timeOf(from, "from");
    const upper = to === undefined ? Infinity : timeOf(to, "to") + (to.length === 10 ? 86_400_000 - 1 : 0);
    const holding = new Map<string, number>();
    const changes = reader.fills().flatMap((f) => {
      const now = (holding.get(f.symbol) ?? 0) + (f.side === "buy" ? f.quantity : -f.quantity);
      holding.set(f.symbol, Math.abs(now) < 1e-9 ? 0 : now);
      if (f.time < lower || f.time > upper) return [];
      return [{ step: f.step, time: formatMarketTime(f.time), symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, holding: holding.get(f.symbol)! }];
    });
    const { items, nextCursor, total } = page(changes, cursor, limit);
    return { changes: items, ...(nextCursor ? { nextCursor } : {}), total };
  },
});

export const getTradesTool = defineTool({
  name: "get_trades",
  title: "Get trades",
  description: "The fills of a run (time, side, quantity, price, commission, the reason the order gave), optionally for one symbol and a time range, and the orders the risk guard or broker refused with their reasons. Paged.",
  input: z.object({ run: RunRef, symbol: z.string().optional(), from: Time.optional(), to: Time.optional(), cursor: Cursor, limit: Limit(100) }),
  output: z.object({
    fills: z.array(z.object({ step: z.number(), time: z.string(), symbol: z.string(), side: z.string(), quantity: z.number(), price: z.number(), commission: z.number(), reason: z.string().nullable() })),
    blocked: z.array(z.object({ step: z.number(), symbol: z.string(), side: z.string(), rule: z.string(), reason: z.string() })),
    nextCursor: z.string().optional(),
    total: z.number(),
  }),
  kind: "inspection",
  writes: false,
  async handler({ run, symbol, from, to, cursor, limit }, context) {
    const reader = await workspaceOf(context).reader(run);
    const wanted = symbol === undefined ? undefined : normalizeSymbol(symbol);
    const lower = from === undefined ? -Infinity : timeOf(from, "from");
    const upper = to === undefined ? Infinity : timeOf(to, "to") + (to.length === 10 ? 86_400_000 - 1 : 0);
    const fills = reader
      .fills()
      .filter((f) => (wanted === undefined || f.symbol === wanted) && f.time >= lower && f.time <= upper)
      .map((f) => ({ step: f.step, time: formatMarketTime(f.time), symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, commission: f.commission, reason: f.reason }));
    const { items, nextCursor, total } = page(fills, cursor, limit);
    const blocked = reader.blocked().filter((b) => wanted === undefined || b.symbol === wanted).slice(0, MAX_PAGE);
    return { fills: items, blocked, ...(nextCursor ? { nextCursor } : {}), total };
  },
});

const MAX_TEXT = 2_000;
/** Long message texts are cut, so one decision cannot flood a conversation. */
function clip(value: unknown): unknown {
  if (typeof value === "string") return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}... [${value.length - MAX_TEXT} more characters]` : value;
  if (Array.isArray(value)) return value.map(clip);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v)]));
  return value;
}

export const getDecisionsTool = defineTool({
  name: "get_decisions",
  title: "Get decisions",
  description:
    "The decisions of a run (LLM models): for each decided step, the final answer, trades, refusals and, with includeReasoning, the whole conversation (messages, tool calls and their results; long texts are cut). Filter by a time range and by a symbol the decision traded or looked at. Paged.",
  input: z.object({ run: RunRef, from: Time.optional(), to: Time.optional(), symbol: z.string().optional(), includeReasoning: z.boolean().default(false), cursor: Cursor, limit: Limit(20) }),
  output: z.object({ decisions: z.array(z.object({ step: z.number(), time: z.string(), decision: z.unknown(), reasoning: z.unknown().optional() })), nextCursor: z.string().optional(), total: z.number() }),
  kind: "inspection",
  writes: false,
  async handler({ run, from, to, symbol, includeReasoning, cursor, limit }, context) {
    const reader = await workspaceOf(context).reader(run);
    const lower = from === undefined ? -Infinity : timeOf(from, "from");
    const upper = to === undefined ? Infinity : timeOf(to, "to") + (to.length === 10 ? 86_400_000 - 1 : 0);
    const wanted = symbol === undefined ? undefined : normalizeSymbol(symbol);
    const all = reader
      .decisions()
      .filter((d) => d.time >= lower && d.time <= upper)
      .filter((d) => wanted === undefined || JSON.stringify([d.decision, d.reasoning]).includes(`"${wanted}"`) || JSON.stringify(d.reasoning ?? "").includes(`\\"${wanted}\\"`));
    const { items, nextCursor, total } = page(all, cursor, limit);
    return {
      decisions: items.map((d) => ({ step: d.step, time: formatMarketTime(d.time), decision: clip(d.decision), ...(includeReasoning ? { reasoning: clip(d.reasoning) } : {}) })),
      ...(nextCursor ? { nextCursor } : {}),
      total,
    };
  },
});

export const getPerformanceTool = defineTool({
  name: "get_performance",
  title: "Get performance",
  description: "A run's metrics (return, CAGR, volatility, Sharpe, Sortino, max drawdown, win rate, profit factor, exposure, turnover, alpha, beta, LLM calls, tokens and cost) and its equity curve, thinned to at most `points` points.",
  input: z.object({ run: RunRef, points: z.number().int().min(2).max(2_000).default(200) }),
  output: z.object({ metrics: z.record(z.string(), z.unknown()).nullable(), status: z.string(), equity: z.array(z.object({ time: z.string(), equity: z.number() })) }),
  kind: "inspection",
  writes: false,
  async handler({ run, points }, context) {
    const reader = await workspaceOf(context).reader(run);
    const curve = reader.equity();
    const stride = Math.max(1, Math.ceil(curve.length / points));
    const thinned = curve.filter((_, i) => i % stride === 0 || i === curve.length - 1).map((p) => ({ time: formatMarketTime(p.time), equity: p.equity }));
    const c = reader.card();
    return { metrics: c.metrics, status: c.status, equity: thinned };
  },
});

export const compareRunsTool = defineTool({
  name: "compare_runs",
  title: "Compare runs",
  description: "Two or more runs side by side: each metric for each run, and the settings (model, strategy, parameters, costs, limits) that differ between them.",
  input: z.object({ runs: z.array(RunRef).min(2).max(10) }),
  output: z.object({ runs: z.array(z.string()), metrics: z.array(z.object({ name: z.string(), values: z.array(z.unknown()) })), snapshotDifferences: z.array(z.object({ path: z.string(), values: z.array(z.unknown()) })) }),
  kind: "inspection",
  writes: false,
  async handler({ runs }, context) {
    const comparison = await workspaceOf(context).runs.compare(runs);
    return { runs: comparison.runs.map((r) => `${r.modelId}/${r.id}`), metrics: comparison.metrics, snapshotDifferences: comparison.snapshotDifferences };
  },
});

export const getPricesTool = defineTool({
  name: "get_prices",
  title: "Get prices",
  description:
    "Bars of a symbol from a data file, or from the data a run used. Point-in-time aware: with `asOf`, nothing after that moment is returned (what a model could have known then). At most `limit` bars, the latest ones in the range.",
  input: z.object({ symbol: z.string().min(1), run: RunRef.optional(), data: z.string().optional().describe("A data file, when no run is given"), from: Time.optional(), to: Time.optional(), asOf: Time.optional(), limit: Limit(200) }),
  output: z.object({ symbol: z.string(), source: z.string(), bars: z.array(z.object({ time: z.string(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() })), truncated: z.boolean() }),
  kind: "inspection",
  writes: false,
  async handler({ symbol, run, data, from, to, asOf, limit }, context) {
    let source = data;
    if (run !== undefined) {
      const runData = (await workspaceOf(context).reader(run)).card().data as { source?: string } | null;
      source = runData?.source;
    }
    if (source === undefined) throw new ToolError("name a run (its data is used) or a data file");
    const dataSet = loadDataFile(source);
    const wanted = normalizeSymbol(symbol);
    const series = dataSet.series.find((s) => s.instrument.symbol === wanted);
    if (!series) throw new ToolError(`${symbol} is not in ${source}; it has ${dataSet.series.slice(0, 20).map((s) => s.instrument.symbol).join(", ")}`);
    const lower = from === undefined ? -Infinity : timeOf(from, "from");
    let upper = to === undefined ? Infinity : timeOf(to, "to") + (to.length === 10 ? 86_400_000 - 1 : 0);
    if (asOf !== undefined) upper = Math.min(upper, timeOf(asOf, "asOf"));
    const indexes: number[] = [];
    for (let i = 0; i < series.length; i++) if (series.time[i]! >= lower && series.time[i]! <= upper) indexes.push(i);
    const kept = indexes.slice(-limit);
    return {
      symbol: wanted,
      source,
      bars: kept.map((i) => ({ time: formatMarketTime(series.time[i]!), open: series.open[i]!, high: series.high[i]!, low: series.low[i]!, close: series.close[i]!, volume: series.volume[i]! })),
      truncated: kept.length < indexes.length,
    };
  },
});

const RunOptions = {
  model: z.string().optional().describe("A model definition of the workspace to run"),
  strategy: z.enum(["sma-cross", "buy-and-hold", "opening-range"]).optional().describe("A built-in strategy, when no model is given"),
  data: z.string().optional().describe("A data file (default for backtests: the shipped S&P 500 sample)"),
  symbol: z.string().optional(),
  cash: z.number().positive().optional(),
  commission: z.number().min(0).max(0.5).optional(),
  fast: z.number().int().positive().optional(),
  slow: z.number().int().positive().optional(),
};

const RunResult = z.object({ run: z.string().nullable(), status: z.string(), summary: z.record(z.string(), z.unknown()) });

/**
 * Runs a backtest or replay as a job this process can cancel (cancel_run, or the caller's signal), in
 * the workspace, reporting progress to whoever asked for it.
 */
async function runJob<Options extends { model?: string | undefined; strategy?: string | undefined }>(
  context: ToolContext,
  kind: "backtest" | "replay",
  input: Options,
  run: (options: Options & { workspace: string; onProgress: (progress: { step: number; total: number }) => void }, signal: AbortSignal) => Promise<BacktestSummary & { run?: RunCard }>,
  signal?: AbortSignal,
) {
  const workspace = workspaceOf(context);
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  const id = randomUUID();
  workspace.jobs.set(id, { model: input.model ?? input.strategy ?? "sma-cross", controller, kind, startedAt: new Date().toISOString() });
  try {
    const result = await run({ ...input, workspace: workspace.dir, onProgress: (p) => context.progress?.(p.step, p.total) }, controller.signal);
    const summary = summaryOf(result);
    return { run: result.run ? `${result.run.modelId}/${result.run.id}` : null, status: summary.status, summary: { ...summary } };
  } finally {
    signal?.removeEventListener("abort", abort);
    workspace.jobs.delete(id);
  }
}

export const runBacktestTool = defineTool({
  name: "run_backtest",
  title: "Run a backtest",
  description: "Starts a daily backtest in the workspace and records it (a model, or a built-in strategy on a data file); reports progress and can be cancelled. Returns the run's reference and summary.",
  input: z.object({ ...RunOptions, from: z.string().optional(), to: z.string().optional() }),
  output: RunResult,
  kind: "control",
  writes: true,
  handler(input, context, signal) {
    return runJob(context, "backtest", input, (options, jobSignal) => backtest(options as BacktestOptions, jobSignal), signal);
  },
});

export const runReplayTool = defineTool({
  name: "run_replay",
  title: "Replay a session",
  description:
    "Replays one trading day's session bar by bar (from minute bars in `data`, or raw trades in `ticks` aggregated to `bar`-minute bars) in the workspace and records it; reports progress and can be cancelled.",
  input: z.object({
    ...RunOptions,
    data: z.string().optional().describe("Minute bars (normalized CSV)"),
    ticks: z.string().optional().describe("Raw trades (symbol,timestamp,price,size,exchange,sale_condition,suspicious), instead of data"),
    date: z.string().describe("YYYY-MM-DD"),
    session: z.enum(SESSION_NAMES as [string, ...string[]]).optional(),
    bar: z.number().int().positive().optional(),
  }),
  output: RunResult,
  kind: "control",
  writes: true,
  handler(input, context, signal) {
    if ((input.data === undefined) === (input.ticks === undefined)) throw new ToolError("give exactly one of data (minute bars) or ticks (raw trades)");
    return runJob(context, "replay", input, (options, jobSignal) => replay(options as ReplayOptions, jobSignal), signal);
  },
});

export const cancelRunTool = defineTool({
  name: "cancel_run",
  title: "Cancel a run",
  description: "Cancels runs this server started that are still going (all of them, or those of one model). A run started elsewhere (notebook, CLI) is cancelled where it runs.",
  input: z.object({ model: z.string().optional() }),
  output: z.object({ cancelled: z.number() }),
  kind: "control",
  writes: true,
  handler({ model }, context) {
    let cancelled = 0;
    for (const job of workspaceOf(context).jobs.values()) {
      if (model !== undefined && job.model !== model) continue;
      job.controller.abort();
      cancelled++;
    }
    return { cancelled };
  },
});

/** Every workspace tool; MCP serves the ones with `writes` only when allowed. */
export const WORKSPACE_TOOLS: readonly Tool[] = [
  listModelsTool,
  getModelTool,
  listRunsTool,
  getRunTool,
  getPositionsTool,
  getTradesTool,
  getDecisionsTool,
  getPerformanceTool,
  compareRunsTool,
  getPricesTool,
  runBacktestTool,
  runReplayTool,
  cancelRunTool,
] as Tool[];
