/**
 * The simulated broker: it holds open orders and fills them against bars by stated rules.
 *
 * Fill timing "next-open": an order placed on bar t (after its close is known) fills at bar t+1's open.
 * Fill timing "close": a market order fills at the close of the bar it was placed on.
 * Limit and stop orders are first checked on the bar after the one they were placed on:
 *   buy limit L fills at the open if the open is at or below L, else at L if the low reaches it;
 *   sell limit mirrors it on the high; a buy stop S fills at the open if it gaps above S, else at S if
 *   the high reaches it; a sell stop mirrors it on the low. Slippage then moves the price against the
 *   trader. "day" limit/stop orders expire when their trading day ends; market orders always fill at
 *   the next bar the symbol has.
 */
import { z } from "zod";
import type { Instrument } from "../data/symbols";
import type { Market } from "../market/market";
import type { BlockedOrder, BlockRule, Fill, Order } from "../model/order";
import type { RiskGuard } from "../risk/guard";
import { CommissionSchema, affordableQuantity, commissionFor, slipped } from "./costs";
import type { Portfolio } from "./portfolio";

export const FillTimingSchema = z.enum(["next-open", "close"]);
export type FillTiming = z.infer<typeof FillTimingSchema>;

export const BrokerConfigSchema = z
  .object({
    fill: FillTimingSchema.default("next-open"),
    commission: CommissionSchema.default({ kind: "percent", rate: 0 }),
    slippageBps: z.number().min(0).max(1000).default(0),
    /** Trade fractional shares of stocks too (crypto is always fractional). */
    fractional: z.boolean().default(false),
    allowShort: z.boolean().default(false),
    /** When one bar touches both legs of a bracket, which fills: the stop (the cautious default) or the target. */
    bracketTie: z.enum(["stop-first", "target-first"]).default("stop-first"),
  })
  .strict();
export type BrokerConfig = z.output<typeof BrokerConfigSchema>;

/** Everything that happened in a run, in order. */
export class TradeLog {
  readonly orders: Order[] = [];
  readonly fills: Fill[] = [];
  readonly blocked: BlockedOrder[] = [];
}

export class Broker {
  readonly pending: Order[] = [];
  private readonly instruments: readonly Instrument[];
  private nextOrderId = 1;

  constructor(
    private readonly market: Market,
    private readonly portfolio: Portfolio,
    private readonly guard: RiskGuard,
    readonly config: BrokerConfig,
    private readonly log: TradeLog,
    /** Latest close per instrument, kept by the run loop. */
    private readonly marks: Float64Array,
  ) {
    this.instruments = market.instruments;
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  /** Takes an order the guard accepted: a market order at "close" fills now, the rest waits. */
  accept(order: Order, step: number): void {
    this.log.orders.push(order);
    if (order.type === "market" && this.config.fill === "close") {
      this.execute(order, this.market.close[order.instrument]![step]!, step);
    } else {
      this.pending.push(order);
    }
  }

  cancel(orderId: number): boolean {
    const index = this.pending.findIndex((o) => o.id === orderId);
    if (index < 0) return false;
    this.pending[index]!.status = "cancelled";
    this.pending.splice(index, 1);
    return true;
  }

  /** Expires "day" limit and stop orders from earlier days. */
  startDay(day: number): void {
    if (this.pending.length === 0) return;
    for (const order of this.pending) {
      if (order.timeInForce === "day" && order.type !== "market" && order.submittedDay !== day) order.status = "cancelled";
    }
    this.removeSettled();
  }

  /** Fills what bar `step` allows, in the order the orders were placed. */
  fillAt(step: number): void {
    const m = this.market;
    // By index up to the current length: bracket legs placed by a fill here wait for the next bar.
    const pending = this.pending;
    for (let i = 0, count = pending.length; i < count; i++) {
      const order = pending[i]!;
      if (order.status !== "open" || order.submittedStep >= step) continue;
      const h = order.instrument;
      const open = m.open[h]![step]!;
      if (open !== open) continue; // no bar for this symbol now
      if (order.ocoGroup !== undefined) {
        this.fillBracket(order.ocoGroup, open, m.high[h]![step]!, m.low[h]![step]!, step);
        continue;
      }
      const price = triggerPrice(order, open, m.high[h]![step]!, m.low[h]![step]!);
      if (price !== undefined) this.execute(order, price, step);
    }
    this.removeSettled();
  }

  /**
   * A bracket's two legs on one bar. A bar's high and low say that both prices traded, not in which
   * order: when both legs trigger, the configured tie rule decides (the stop, by default). The leg that
   * fills cancels the other.
   */
  private fillBracket(group: number, open: number, high: number, low: number, step: number): void {
    const legs = this.pending.filter((o) => o.ocoGroup === group && o.status === "open");
    const triggered = legs.map((leg) => [leg, triggerPrice(leg, open, high, low)] as const).filter(([, price]) => price !== undefined);
    if (triggered.length === 0) return;
    const preferStop = this.config.bracketTie === "stop-first";
    const [leg, price] = triggered.find(([o]) => (o.type === "stop") === preferStop) ?? triggered[0]!;
    this.execute(leg, price!, step);
    for (const other of legs) if (other !== leg && other.status === "open") other.status = "cancelled";
  }

  /**
   * Closes every position at this bar's close and cancels every open order: the end of a session for a
   * day trader who never holds overnight.
   */
  flatten(step: number, reason: string): void {
    for (const order of this.pending) order.status = "cancelled";
    this.removeSettled();
    const m = this.market;
    for (let h = 0; h < this.instruments.length; h++) {
      const held = this.portfolio.position(h);
      const close = m.close[h]![step]!;
      if (held === 0 || close !== close) continue;
      const order = this.brokerOrder(h, held > 0 ? "sell" : "buy", Math.abs(held), step, reason, {});
      this.execute(order, close, step);
    }
  }

  /** An order the broker places itself (bracket legs, flattening): exits, so the guard does not stop them. */
  private brokerOrder(h: number, side: "buy" | "sell", quantity: number, step: number, reason: string, extra: Partial<Order>): Order {
    const order: Order = {
      symbol: this.instruments[h]!.symbol,
      side,
      type: "market",
      quantity,
      limitPrice: undefined,
      stopPrice: undefined,
      timeInForce: "gtc",
      reason,
      idempotencyKey: undefined,
      stopLoss: undefined,
      takeProfit: undefined,
      id: this.newOrderId(),
      instrument: h,
      submittedStep: step,
      submittedTime: this.market.time[step]!,
      submittedDay: this.market.day[step]!,
      status: "open",
      ...extra,
    };
    this.log.orders.push(order);
    return order;
  }

  /** After a bracket's entry fills: its stop and target for the filled quantity, one cancelling the other. */
  private placeBracketLegs(entry: Order, quantity: number, step: number): void {
    const exit = entry.side === "buy" ? "sell" : "buy";
    const h = entry.instrument;
    if (entry.stopLoss !== undefined) {
      this.pending.push(this.brokerOrder(h, exit, quantity, step, "bracket stop", { type: "stop", stopPrice: entry.stopLoss, parentId: entry.id, ocoGroup: entry.id }));
    }
    if (entry.takeProfit !== undefined) {
      this.pending.push(this.brokerOrder(h, exit, quantity, step, "bracket target", { type: "limit", limitPrice: entry.takeProfit, parentId: entry.id, ocoGroup: entry.id }));
    }
  }

  private removeSettled(): void {
    let kept = 0;
    for (const order of this.pending) if (order.status === "open") this.pending[kept++] = order;
    this.pending.length = kept;
  }

  private execute(order: Order, rawPrice: number, step: number): void {
    const h = order.instrument;
    const instrument = this.instruments[h]!;
    const price = slipped(rawPrice, order.side, this.config.slippageBps);
    const held = this.portfolio.position(h);
    const fractional = instrument.fractional || this.config.fractional;
    let quantity: number;
    if (order.side === "buy") {
      if (order.quantity === "all") {
        quantity = affordableQuantity(this.config.commission, this.portfolio.cash, price);
        if (this.guard.limitsPositions) {
          const room = this.guard.buyRoom(this.portfolio.equity(this.marks), held, price);
          if (room < quantity) quantity = room;
        }
      } else {
        quantity = order.quantity;
      }
    } else {
      if (order.quantity === "all") {
        if (held <= 0) return this.refuse(order, step, "no-position", `no ${instrument.symbol} position to sell`);
        quantity = held;
      } else {
        quantity = order.quantity;
        if (!this.config.allowShort && quantity > held + 1e-9) {
          return this.refuse(order, step, "no-position", `selling ${quantity} ${instrument.symbol} exceeds the ${held} held, and short selling is off`);
        }
      }
    }
    if (!fractional) {
      if (order.quantity === "all") quantity = Math.floor(quantity);
      else if (!Number.isInteger(quantity)) {
        return this.refuse(order, step, "quantity", `${instrument.symbol} trades in whole shares; ${quantity} is not a whole number (enable fractional shares to trade fractions)`);
      }
    }
    if (!(quantity > 0)) {
      return this.refuse(
        order,
        step,
        "quantity",
        order.quantity === "all" && order.side === "buy"
          ? `$${this.portfolio.cash.toFixed(2)} cash buys no whole ${instrument.symbol} share at $${price.toFixed(2)}`
          : `quantity ${quantity} is not positive`,
      );
    }
    const commission = commissionFor(this.config.commission, quantity, price);
    if (order.side === "buy" && held >= 0) {
      const cost = quantity * price + commission;
      // Tolerance: an all-cash buy's cost can exceed cash by rounding in the last bit.
      if (cost > this.portfolio.cash + 1e-9 * Math.max(1, Math.abs(this.portfolio.cash))) {
        return this.refuse(order, step, "insufficient-cash", `buying ${quantity} ${instrument.symbol} at $${price.toFixed(2)} costs $${cost.toFixed(2)} with commission; cash is $${this.portfolio.cash.toFixed(2)}`);
      }
    }
    const fill: Fill = {
      orderId: order.id,
      symbol: instrument.symbol,
      side: order.side,
      quantity,
      price,
      commission,
      step,
      time: this.market.time[step]!,
      reason: order.reason,
    };
    order.status = "filled";
    this.portfolio.apply(h, fill);
    this.log.fills.push(fill);
    if (order.stopLoss !== undefined || order.takeProfit !== undefined) this.placeBracketLegs(order, quantity, step);
    // A flat position needs no protection: its bracket legs go (the strategy may have exited itself).
    if (this.portfolio.position(h) === 0) {
      for (const other of this.pending) if (other.instrument === h && other.parentId !== undefined && other.status === "open") other.status = "cancelled";
    }
  }

  private refuse(order: Order, step: number, rule: BlockRule, reason: string): void {
    order.status = "rejected";
    // A bracket leg that cannot fill (its position is gone) takes its sibling with it.
    if (order.ocoGroup !== undefined) for (const other of this.pending) if (other.ocoGroup === order.ocoGroup && other.status === "open") other.status = "cancelled";
    this.log.blocked.push({
      step,
      time: this.market.time[step]!,
      symbol: this.instruments[order.instrument]!.symbol,
      side: order.side,
      quantity: order.quantity,
      rule,
      reason,
    });
  }
}

/** The raw (pre-slippage) price at which an order fills on a bar, or undefined if it does not. */
export function triggerPrice(order: Pick<Order, "type" | "side" | "limitPrice" | "stopPrice">, open: number, high: number, low: number): number | undefined {
  switch (order.type) {
    case "market":
      return open;
    case "limit": {
      const limit = order.limitPrice!;
      if (order.side === "buy") return open <= limit ? open : low <= limit ? limit : undefined;
      return open >= limit ? open : high >= limit ? limit : undefined;
    }
    case "stop": {
      const stop = order.stopPrice!;
      if (order.side === "buy") return open >= stop ? open : high >= stop ? stop : undefined;
      return open <= stop ? open : low <= stop ? stop : undefined;
    }
  }
}
