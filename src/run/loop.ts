/**
 * The one run loop, for daily backtests and intraday replays alike: they differ in bars, sessions and
 * decision cadence, not in code. Per step: start of day (risk guard, order expiry), fills at the open,
 * the strategy's decision on the closed bar, then equity at the close. Deterministic: time comes from
 * the bars, never from the machine's clock.
 */
import { Broker, BrokerConfigSchema, TradeLog } from "../broker/broker";
import type { BrokerConfig } from "../broker/broker";
import { Portfolio } from "../broker/portfolio";
import type { Market } from "../market/market";
import { MarketView } from "../market/view";
import type { RoundTrip } from "../model/order";
import { RiskGuard } from "../risk/guard";
import type { RiskLimits } from "../risk/guard";
import type { Strategy } from "../strategy/strategy";
import { TradingContext } from "./context";

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
}

export type RunStatus = "completed" | "cancelled";

export interface RunOutcome {
  status: RunStatus;
  /** Steps processed; less than the market's length when cancelled. */
  steps: number;
  /** Equity at each processed step's close. */
  equity: Float64Array;
  /** Gross value of all positions at each processed step's close. */
  exposure: Float64Array;
  log: TradeLog;
  roundTrips: RoundTrip[];
  finalCash: number;
  /** Signed quantity per instrument at the end. */
  positions: Float64Array;
  tradedNotional: number;
  commissionPaid: number;
}

const ABORT_CHECK_MASK = 1023;

export async function runLoop(setup: RunSetup, signal?: AbortSignal): Promise<RunOutcome> {
  const { market, strategy } = setup;
  const n = market.length;
  const instruments = market.instruments.length;
  const config = BrokerConfigSchema.parse(setup.broker ?? {});
  const view = new MarketView(market);
  const portfolio = new Portfolio(setup.initialCash, market.instruments);
  const log = new TradeLog();
  const guard = new RiskGuard(setup.risk);
  const marks = new Float64Array(instruments).fill(NaN);
  const broker = new Broker(market, portfolio, guard, config, log, marks);
  const ctx = new TradingContext(view, portfolio, broker, guard, log, marks);
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const closes = market.close;
  const days = market.day;
  const quantity = portfolio.quantity;
  const onProgress = setup.onProgress;
  const progressEvery = Math.max(1, Math.ceil(n / Math.max(1, setup.progressEvents ?? 100)));
  let nextProgress = progressEvery - 1;
  let day = -1;
  let steps = 0;
  let status: RunStatus = "completed";

  if (strategy.init) await strategy.init(ctx);

  for (let t = 0; t < n; t++) {
    if ((t & ABORT_CHECK_MASK) === 0 && signal?.aborted) {
      status = "cancelled";
      break;
    }
    view.advanceTo(t);
    if (days[t] !== day) {
      day = days[t]!;
      guard.startDay(day, t === 0 ? setup.initialCash : equity[t - 1]!);
      broker.startDay(day);
    }
    if (broker.pending.length !== 0) broker.fillAt(t);
    for (let h = 0; h < instruments; h++) {
      const c = closes[h]![t]!;
      if (c === c) marks[h] = c;
    }
    const decision = strategy.onBar(ctx, signal);
    let cancelled = false;
    if (decision !== undefined) {
      await decision;
      cancelled = signal?.aborted === true;
    }
    // Equity at the close (inline, not a helper closure: this runs once per bar).
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
    exposure[t] = gross;
    steps = t + 1;
    if (cancelled) {
      status = "cancelled";
      break;
    }
    if (t === nextProgress || t === n - 1) {
      nextProgress += progressEvery;
      onProgress?.({ step: t + 1, total: n, time: market.time[t]!, equity: equity[t]!, fills: log.fills.length });
    }
  }

  return {
    status,
    steps,
    equity: equity.subarray(0, steps),
    exposure: exposure.subarray(0, steps),
    log,
    roundTrips: portfolio.roundTrips,
    finalCash: portfolio.cash,
    positions: portfolio.quantity.slice(),
    tradedNotional: portfolio.tradedNotional,
    commissionPaid: portfolio.commissionPaid,
  };
}
