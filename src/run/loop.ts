/**
 * The one run loop, for daily backtests and intraday replays alike: they differ in bars, sessions and
 * decision cadence, not in code. Per step: start of day (risk guard, order expiry), fills at the open,
 * the strategy's decision on the closed bar, then equity at the close. Deterministic: time comes from
 * the bars, never from the machine's clock.
 */
import { performance } from "node:perf_hooks";
import { Broker, BrokerConfigSchema, TradeLog } from "../broker/broker";
import type { BrokerConfig } from "../broker/broker";
import type { Strategy } from "../strategy/strategy";
import { Portfolio } from "../broker/portfolio";
import type { Market } from "../market/market";
import { MarketView } from "../market/view";
import type { Fill, RoundTrip } from "../model/order";
import { RiskGuard } from "../risk/guard";
import type { RiskLimits } from "../risk/guard";
import { TradingContext } from "./context";
import type { StepRecord, StepRecorder } from "./step-record";

export interface RunProgress {
  /** Steps done so far (1-based), out of `total`. */
  step: number;
  total: number;
  time: number;
  equity: number;
  fills: number;
}

export interface RunSetup {
  market: Market;
  strategy: Strategy;
  initialCash: number;
  broker?: Partial<BrokerConfig>;
  risk?: RiskLimits;
  onProgress?: (progress: RunProgress) => void;
  /** Progress events per run (about); the last step always reports. */
  progressEvents?: number;
  /** Receives every step as it completes (the workspace store). */
  recorder?: StepRecorder;
  /** Close every position at the close of each trading day's last bar (day trading: nothing overnight). */
  flattenAtSessionEnd?: boolean;
  /** When the strategy is asked to decide; every bar when absent (coded strategies always are). */
  cadence?: DecisionCadence;
}

/**
 * When an expensive strategy (an LLM) is asked to decide, so it is not called 390 times a session when
 * its rules say it need not be. Any condition that holds triggers a decision; the first bar always does.
 */
export interface DecisionCadence {
  /** Decide every N bars. */
  everyBars?: number;
  /** Decide when any price has moved this fraction (0.005 = 0.5%) since the last decision. */
  onMove?: number;
  /** Decide on the bar after any order filled. */
  onFill?: boolean;
}

export type RunStatus = "completed" | "cancelled";

export interface RunOutcome {
  status: RunStatus;
  /** Steps processed; less than the market's length when cancelled. */
  steps: number;
  /** Equity at each processed step's close. */
  equity: Float64Array;
  /** Gross value of all positions at each processed step's close (derived from the fills when first read). */
  readonly exposure: Float64Array;
  /** Steps that closed with any position open. */
  barsInMarket: number;
  log: TradeLog;
  roundTrips: RoundTrip[];
  finalCash: number;
  /** Signed quantity per instrument at the end. */
  positions: Float64Array;
  tradedNotional: number;
  commissionPaid: number;
}

/** Steps per synchronous call of the hot loop. */
const CHUNK = 1024;
/** Longest stretch of work between two yields to the event loop. */
const YIELD_AFTER_MS = 10;

export async function runLoop(setup: RunSetup, signal?: AbortSignal): Promise<RunOutcome> {
  const run = new Run(setup, signal);
  if (setup.strategy.init) await setup.strategy.init(run.ctx);
  const n = setup.market.length;
  let status: RunStatus = "completed";
  let lastYield = performance.now();
  while (run.next < n) {
    // Let the event loop breathe now and then: a cancel request (from MCP, VS Code, a signal handler)
    // and progress messages only get through when the run is not holding the thread. By elapsed time,
    // so a fast run is not slowed by yields it does not need. (Timing here never touches the results.)
    const now = performance.now();
    if (now - lastYield >= YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const decision = run.steps(Math.min(n, run.next + CHUNK));
    if (run.cancelled) {
      status = "cancelled";
      break;
    }
    if (decision !== undefined) {
      // An async strategy (an LLM) decided on step `run.next`: finish that step once it has.
      await decision;
      run.endStep(run.next++);
      if (signal?.aborted) {
        status = "cancelled";
        break;
      }
    }
  }
  return run.outcome(status);
}

/**
 * One run's state and its per-step work. The hot loop is `steps`, a small synchronous method called
 * once per chunk: V8 optimizes it once and reuses it for every run, where a long loop inside one async
 * call would be recompiled (on-stack replacement) on every run and start each time unoptimized.
 */
class Run {
  readonly ctx: TradingContext;
  /** The next step to process. */
  next = 0;
  /** Set when the signal aborted before a step: the run stops there. */
  cancelled = false;
  private readonly market: Market;
  private readonly strategy: Strategy;
  private readonly view: MarketView;
  private readonly portfolio: Portfolio;
  private readonly log = new TradeLog();
  private readonly guard: RiskGuard;
  private readonly broker: Broker;
  private readonly marks: Float64Array;
  private readonly equity: Float64Array;
  private barsInMarket = 0;
  private readonly onProgress: ((progress: RunProgress) => void) | undefined;
  private readonly progressEvery: number;
  private nextProgress: number;
  private day = -1;
  private readonly recorder: StepRecorder | undefined;
  /** How much of each log the recorder has been given. */
  private recorded = { orders: 0, fills: 0, blocked: 0 };
  private readonly cadence: DecisionCadence | undefined;
  private lastDecision = { step: -1, fills: 0, prices: new Float64Array(0) };

  constructor(
    private readonly setup: RunSetup,
    private readonly signal: AbortSignal | undefined,
  ) {
    const market = (this.market = setup.market);
    const n = market.length;
    this.strategy = setup.strategy;
    this.view = new MarketView(market);
    this.portfolio = new Portfolio(setup.initialCash, market.instruments);
    this.guard = new RiskGuard(setup.risk);
    this.marks = new Float64Array(market.instruments.length).fill(NaN);
    this.broker = new Broker(market, this.portfolio, this.guard, BrokerConfigSchema.parse(setup.broker ?? {}), this.log, this.marks);
    this.ctx = new TradingContext(this.view, this.portfolio, this.broker, this.guard, this.log, this.marks);
    this.equity = new Float64Array(n);
    this.onProgress = setup.onProgress;
    this.progressEvery = Math.max(1, Math.ceil(n / Math.max(1, setup.progressEvents ?? 100)));
    this.nextProgress = this.progressEvery - 1;
    this.recorder = setup.recorder;
    this.cadence = setup.cadence;
  }

  /**
   * Processes steps from `next` up to `end`: start of day (risk guard, order expiry), fills at the open,
   * the strategy's decision on the closed bar, equity at the close. Returns early with the promise of an
   * async decision, leaving `next` on that step for the caller to close once it settles.
   */
  steps(end: number): Promise<void> | undefined {
    const { view, broker, ctx, strategy, signal, marks, cadence, equity, portfolio } = this;
    const quantity = portfolio.quantity;
    // The common case (no flattening, no recorder) closes each step inline below; the rest goes
    // through endStep. Same arithmetic either way.
    const plain = this.setup.flattenAtSessionEnd !== true && this.recorder === undefined;
    const days = this.market.day;
    const closes = this.market.close;
    const instruments = marks.length;
    const last = this.market.length - 1;
    for (let t = this.next; t < end; t++) {
      // Cancellation at any step: a replay of 390 minutes must stop at the minute it is asked to.
      if (signal !== undefined && signal.aborted) {
        this.next = t;
        this.cancelled = true;
        return undefined;
      }
      view.advanceTo(t);
      if (days[t] !== this.day) this.startDay(t);
      if (broker.pending.length !== 0) broker.fillAt(t);
      for (let h = 0; h < instruments; h++) {
        const c = closes[h]![t]!;
        if (c === c) marks[h] = c;
      }
      if (cadence === undefined || this.decidesAt(t)) {
        const decision = strategy.onBar(ctx, signal);
        if (decision !== undefined) {
          this.next = t;
          return decision;
        }
      }
      if (!plain || t === this.nextProgress || t === last) {
        this.endStep(t);
        continue;
      }
      let value = 0;
      let gross = 0;
      for (let h = 0; h < instruments; h++) {
        const q = quantity[h]!;
        if (q !== 0) {
          const v = q * marks[h]!;
          value += v;
          gross += v < 0 ? -v : v;
        }
      }
      equity[t] = portfolio.cash + value;
      if (gross !== 0) this.barsInMarket++;
    }
    this.next = end;
    return undefined;
  }

  /** Whether the cadence asks for a decision at step t (and remembers it as the last one if so). */
  private decidesAt(t: number): boolean {
    const { everyBars, onMove, onFill } = this.cadence!;
    const last = this.lastDecision;
    const fills = this.log.fills.length;
    let decide = last.step < 0 || (everyBars !== undefined && t - last.step >= everyBars) || (onFill === true && fills > last.fills);
    if (!decide && onMove !== undefined) {
      for (let h = 0; h < this.marks.length && !decide; h++) decide = Math.abs(this.marks[h]! / last.prices[h]! - 1) >= onMove;
    }
    if (decide) this.lastDecision = { step: t, fills, prices: this.marks.slice() };
    return decide;
  }

  /** After the decision: flatten at the session's end if asked, then the close. */
  endStep(t: number): void {
    const n = this.market.length;
    if (this.setup.flattenAtSessionEnd && (t === n - 1 || this.market.day[t + 1] !== this.market.day[t])) {
      this.broker.flatten(t, "end-of-session flatten");
    }
    this.close(t);
  }

  private startDay(t: number): void {
    this.day = this.market.day[t]!;
    this.guard.startDay(this.day, t === 0 ? this.setup.initialCash : this.equity[t - 1]!);
    this.broker.startDay(this.day);
  }

  /** Equity and gross exposure at the step's close, and progress. */
  private close(t: number): void {
    const quantity = this.portfolio.quantity;
    const marks = this.marks;
    let value = 0;
    let gross = 0;
    for (let h = 0; h < quantity.length; h++) {
      const q = quantity[h]!;
      if (q !== 0) {
        const v = q * marks[h]!;
        value += v;
        gross += v < 0 ? -v : v;
      }
    }
    this.equity[t] = this.portfolio.cash + value;
    if (gross !== 0) this.barsInMarket++;
    if (this.recorder) this.recorder.step(this.record(t, gross));
    if (t === this.nextProgress || t === this.market.length - 1) {
      this.nextProgress += this.progressEvery;
      this.onProgress?.({ step: t + 1, total: this.market.length, time: this.market.time[t]!, equity: this.equity[t]!, fills: this.log.fills.length });
    }
  }

  /** The step's close and what happened in it since the previous step. */
  private record(t: number, exposure: number): StepRecord {
    const { log, recorded } = this;
    const record: StepRecord = { step: t, time: this.market.time[t]!, equity: this.equity[t]!, cash: this.portfolio.cash, exposure };
    if (log.orders.length > recorded.orders) record.orders = log.orders.slice(recorded.orders);
    if (log.fills.length > recorded.fills) {
      record.fills = log.fills.slice(recorded.fills);
      const symbols = this.view.symbols;
      record.positions = [...new Set(record.fills.map((f) => f.symbol))].map((symbol) => [symbol, this.portfolio.position(symbols.indexOf(symbol))]);
    }
    if (log.blocked.length > recorded.blocked) record.blocked = log.blocked.slice(recorded.blocked);
    const decision = this.ctx.decision;
    if (decision) {
      record.decision = decision.decision;
      if (decision.reasoning !== undefined) record.reasoning = decision.reasoning;
      if (decision.exchanges?.length) record.exchanges = decision.exchanges;
      this.ctx.decision = undefined;
    }
    this.recorded = { orders: log.orders.length, fills: log.fills.length, blocked: log.blocked.length };
    return record;
  }

  outcome(status: RunStatus): RunOutcome {
    const steps = this.next;
    const { market, log } = this;
    let exposure: Float64Array | undefined;
    return {
      status,
      steps,
      equity: this.equity.subarray(0, steps),
      // Display data, not needed to score the run: computed from the fills only if someone asks.
      get exposure() {
        exposure ??= exposureCurve(market, log.fills, steps);
        return exposure;
      },
      barsInMarket: this.barsInMarket,
      log: this.log,
      roundTrips: this.portfolio.roundTrips,
      finalCash: this.portfolio.cash,
      positions: this.portfolio.quantity.slice(),
      tradedNotional: this.portfolio.tradedNotional,
      commissionPaid: this.portfolio.commissionPaid,
    };
  }
}

/** Gross position value at each step's close, rebuilt from the fills (positions change only there). */
export function exposureCurve(market: Market, fills: readonly Fill[], steps: number): Float64Array {
  const curve = new Float64Array(steps);
  const held = new Float64Array(market.instruments.length);
  const marks = new Float64Array(market.instruments.length).fill(NaN);
  const handles = new Map(market.instruments.map((instrument, h) => [instrument.symbol, h]));
  let next = 0;
  for (let t = 0; t < steps; t++) {
    for (; next < fills.length && fills[next]!.step === t; next++) {
      const fill = fills[next]!;
      const h = handles.get(fill.symbol)!;
      const after = held[h]! + (fill.side === "buy" ? fill.quantity : -fill.quantity);
      held[h] = Math.abs(after) < 1e-9 ? 0 : after;
    }
    let gross = 0;
    for (let h = 0; h < held.length; h++) {
      const close = market.close[h]![t]!;
      if (close === close) marks[h] = close;
      if (held[h] !== 0) gross += Math.abs(held[h]! * marks[h]!);
    }
    curve[t] = gross;
  }
  return curve;
}
