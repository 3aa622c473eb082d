/**
 * One risk guard for every mode and every kind of model (coded or LLM). It sees each order before the
 * broker does; a refused order is recorded with its rule and a reason a person can read.
 */
import { z } from "zod";
import { formatDay } from "../data/calendar";
import { normalizeSymbol } from "../data/symbols";
import type { BlockRule, Side } from "../model/order";

const ClockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM (24-hour New York time)");

export const RiskLimitsSchema = z
  .object({
    /** Only these symbols may be traded (any spelling; normalized). */
    allowedTickers: z.array(z.string().min(1)).min(1).optional(),
    /** Largest value of one position, in account currency. */
    maxPositionValue: z.number().positive().optional(),
    /** Largest value of one position as a fraction of equity (1 = 100%). */
    maxPositionFraction: z.number().positive().max(10).optional(),
    /** Orders accepted per trading day, all symbols together. */
    maxTradesPerDay: z.number().int().positive().optional(),
    /** Once equity is this fraction below the day's opening equity, new entries stop for the day. */
    dailyLossCap: z.number().positive().max(1).optional(),
    /** New York time windows in which orders may be placed, e.g. [{start:"09:30", end:"16:00"}]. */
    sessionWindows: z.array(z.object({ start: ClockSchema, end: ClockSchema }).strict()).min(1).optional(),
  })
  .strict();

export type RiskLimits = z.infer<typeof RiskLimitsSchema>;

export interface Refusal {
  rule: BlockRule;
  reason: string;
}


function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

const money = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 2 });

export class RiskGuard {
  private readonly allowed?: Set<string>;
  private readonly windows?: [number, number][];
  private day = -1;
  private dayStartEquity = 0;
  private tradesToday = 0;
  private halted = false;

  constructor(readonly limits: RiskLimits = {}) {
    if (limits.allowedTickers) this.allowed = new Set(limits.allowedTickers.map(normalizeSymbol));
    if (limits.sessionWindows) this.windows = limits.sessionWindows.map((w) => [minutesOf(w.start), minutesOf(w.end)]);
  }

  /** Called by the run loop when a new trading day starts, with the equity it starts with. */
  startDay(day: number, equity: number): void {
    this.day = day;
    this.dayStartEquity = equity;
    this.tradesToday = 0;
    this.halted = false;
  }

  /**
   * Judges an order before the broker sees it, given the account's equity, the signed position held in
   * the symbol and its latest price. Returns the refusal, or undefined when the order may go ahead.
   * (Plain numbers, not an object: this runs for every order of a million-bar backtest.)
   */
  check(symbol: string, side: Side, quantity: number | "all", minute: number, equity: number, position: number, price: number): Refusal | undefined {
    if (this.allowed && !this.allowed.has(symbol)) {
      return { rule: "allowed-tickers", reason: `${symbol} is not in the allowed tickers (${[...this.allowed].join(", ")})` };
    }
    if (this.windows && !this.windows.some(([start, end]) => minute >= start && minute < end)) {
      const clock = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
      return { rule: "session-window", reason: `${clock} New York is outside the trading windows ${this.limits.sessionWindows!.map((w) => `${w.start}-${w.end}`).join(", ")}` };
    }
    const max = this.limits.maxTradesPerDay;
    if (max !== undefined && this.tradesToday >= max) {
      return { rule: "max-trades-per-day", reason: `already ${this.tradesToday} orders on ${formatDay(this.day)}; the limit is ${max} a day` };
    }
    const entering = side === "buy" ? position >= 0 : position <= 0;
    if (entering && this.lossCapHit(equity)) {
      const loss = 1 - equity / this.dayStartEquity;
      return {
        rule: "daily-loss-cap",
        reason: `trading halted for ${formatDay(this.day)}: equity is down ${(loss * 100).toFixed(2)}% from the day's open ($${money(this.dayStartEquity)}), past the ${(this.limits.dailyLossCap! * 100).toFixed(2)}% cap; only exits are allowed`,
      };
    }
    if (side === "buy" && position >= 0) {
      const limit = this.maxPositionValue(equity);
      if (limit !== Infinity) {
        if (limit - position * price <= 0) return { rule: "max-position", reason: `the ${symbol} position is already at the limit of $${money(limit)}` };
        if (quantity !== "all" && (position + quantity) * price > limit * (1 + 1e-9)) {
          return {
            rule: "max-position",
            reason: `buying ${quantity} ${symbol} at about $${money(price)} would make a $${money((position + quantity) * price)} position; the limit is $${money(limit)}`,
          };
        }
      }
    }
    return undefined;
  }

  /** The order was accepted: it counts toward the day's trades. */
  accepted(): void {
    this.tradesToday++;
  }

  /** Whether any position-size limit is set (when none is, buys need not compute equity for it). */
  get limitsPositions(): boolean {
    return this.limits.maxPositionValue !== undefined || this.limits.maxPositionFraction !== undefined;
  }

  /** The largest quantity a buy may add at `price` without breaking the position limit. */
  buyRoom(equity: number, position: number, price: number): number {
    if (position < 0) return Infinity;
    const limit = this.maxPositionValue(equity);
    return limit === Infinity ? Infinity : (limit - position * price) / price;
  }

  private lossCapHit(equity: number): boolean {
    const cap = this.limits.dailyLossCap;
    if (cap === undefined || this.halted) return this.halted;
    if (equity <= this.dayStartEquity * (1 - cap)) this.halted = true;
    return this.halted;
  }

  private maxPositionValue(equity: number): number {
    const byValue = this.limits.maxPositionValue ?? Infinity;
    const byFraction = this.limits.maxPositionFraction !== undefined ? this.limits.maxPositionFraction * equity : Infinity;
    return Math.min(byValue, byFraction);
  }
}
