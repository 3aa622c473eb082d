import { describe, expect, it } from "vitest";
import { triggerPrice } from "../../../src/broker/broker";
import type { BrokerConfig } from "../../../src/broker/broker";
import { affordableQuantity, commissionFor, slipped } from "../../../src/broker/costs";
import { marketOf } from "../../../src/market/market";
import type { OrderRequest } from "../../../src/model/order";
import type { RiskLimits } from "../../../src/risk/guard";
import { runLoop } from "../../../src/run/loop";
import type { StrategyContext, SubmitResult } from "../../../src/strategy/strategy";
import type { BarSeries } from "../../../src/data/series";
import { dailyBars, flatBars } from "../fixtures";

/** Runs a script of actions keyed by step; returns the outcome and every submit result. */
async function script(series: BarSeries[], actions: Record<number, (ctx: StrategyContext) => SubmitResult | void>, broker: Partial<BrokerConfig> = {}, risk?: RiskLimits, cash = 10_000) {
  const results: SubmitResult[] = [];
  const outcome = await runLoop({
    market: marketOf(series),
    initialCash: cash,
    broker,
    ...(risk ? { risk } : {}),
    strategy: {
      name: "script",
      onBar(ctx) {
        const result = actions[ctx.view.step]?.(ctx);
        if (result) results.push(result);
      },
    },
  });
  return { outcome, results };
}

describe("fill prices", () => {
  const market = { type: "market" as const, side: "buy" as const };
  it("market orders fill at the open", () => {
    expect(triggerPrice(market, 10, 12, 9)).toBe(10);
  });
  it("buy limits fill at the open when it gaps below, else at the limit if the low reaches it", () => {
    expect(triggerPrice({ type: "limit", side: "buy", limitPrice: 11 }, 10, 12, 9)).toBe(10);
    expect(triggerPrice({ type: "limit", side: "buy", limitPrice: 9.5 }, 10, 12, 9)).toBe(9.5);
    expect(triggerPrice({ type: "limit", side: "buy", limitPrice: 8 }, 10, 12, 9)).toBeUndefined();
  });
  it("sell limits mirror on the high", () => {
    expect(triggerPrice({ type: "limit", side: "sell", limitPrice: 9 }, 10, 12, 8)).toBe(10);
    expect(triggerPrice({ type: "limit", side: "sell", limitPrice: 11 }, 10, 12, 8)).toBe(11);
    expect(triggerPrice({ type: "limit", side: "sell", limitPrice: 13 }, 10, 12, 8)).toBeUndefined();
  });
  it("stops fill at the open when the bar gaps through them, else at the stop", () => {
    expect(triggerPrice({ type: "stop", side: "sell", stopPrice: 11 }, 10, 12, 8)).toBe(10);
    expect(triggerPrice({ type: "stop", side: "sell", stopPrice: 9 }, 10, 12, 8)).toBe(9);
    expect(triggerPrice({ type: "stop", side: "sell", stopPrice: 7 }, 10, 12, 8)).toBeUndefined();
    expect(triggerPrice({ type: "stop", side: "buy", stopPrice: 9 }, 10, 12, 8)).toBe(10);
    expect(triggerPrice({ type: "stop", side: "buy", stopPrice: 11 }, 10, 12, 8)).toBe(11);
    expect(triggerPrice({ type: "stop", side: "buy", stopPrice: 13 }, 10, 12, 8)).toBeUndefined();
  });
});

describe("costs", () => {
  it("computes commissions", () => {
    expect(commissionFor({ kind: "percent", rate: 0.001 }, 10, 100)).toBeCloseTo(1, 12);
    expect(commissionFor({ kind: "per-share", perShare: 0.005, minimum: 1 }, 10, 100)).toBe(1);
    expect(commissionFor({ kind: "per-share", perShare: 0.005, minimum: 1 }, 1000, 100)).toBe(5);
    expect(commissionFor({ kind: "fixed", amount: 4.95 }, 3, 100)).toBe(4.95);
  });
  it("sizes all-cash buys so the commission fits", () => {
    expect(affordableQuantity({ kind: "percent", rate: 0.001 }, 10_010, 100)).toBeCloseTo(100, 10);
    expect(affordableQuantity({ kind: "fixed", amount: 10 }, 1_010, 100)).toBe(10);
    expect(affordableQuantity({ kind: "per-share", perShare: 0.01, minimum: 0 }, 1_000.1, 100)).toBeCloseTo(10, 10);
    // Below the minimum the minimum is what is paid.
    expect(affordableQuantity({ kind: "per-share", perShare: 0.01, minimum: 5 }, 1_005, 100)).toBeCloseTo(10, 10);
    expect(affordableQuantity({ kind: "percent", rate: 0 }, -5, 100)).toBe(0);
  });
  it("slips against the trader", () => {
    expect(slipped(100, "buy", 10)).toBeCloseTo(100.1, 10);
    expect(slipped(100, "sell", 10)).toBeCloseTo(99.9, 10);
    expect(slipped(100, "buy", 0)).toBe(100);
  });
});

describe("the simulated broker in a run", () => {
  it("fills market orders at the next open by default, or at this close", async () => {
    const bars = [dailyBars("AAA", [[10, 11, 9, 10.5], [12, 13, 11, 12.5], [13, 14, 12, 13.5]])];
    const next = await script(bars, { 0: (c) => c.buy("AAA", 10) });
    expect(next.outcome.log.fills[0]).toMatchObject({ step: 1, price: 12, quantity: 10 });
    const close = await script(bars, { 0: (c) => c.buy("AAA", 10) }, { fill: "close" });
    expect(close.outcome.log.fills[0]).toMatchObject({ step: 0, price: 10.5 });
    expect(close.outcome.equity[0]).toBe(10_000);
  });

  it("keeps limit orders open until the price comes, and expires day orders", async () => {
    const bars = [dailyBars("AAA", [[10, 10, 10, 10], [10, 10.5, 9.8, 10], [10, 10.2, 9.4, 9.6], [9.6, 9.7, 9.2, 9.3]])];
    const gtc = await script(bars, { 0: (c) => c.submit({ symbol: "AAA", side: "buy", type: "limit", quantity: 5, limitPrice: 9.5 }) });
    expect(gtc.outcome.log.fills).toEqual([expect.objectContaining({ step: 2, price: 9.5, quantity: 5 })]);
    const day = await script(bars, { 0: (c) => c.submit({ symbol: "AAA", side: "buy", type: "limit", quantity: 5, limitPrice: 9.5, timeInForce: "day" }) });
    expect(day.outcome.log.fills).toHaveLength(0);
    expect(day.outcome.log.orders[0]!.status).toBe("cancelled");
  });

  it("fills a protective stop when the low reaches it", async () => {
    const bars = [dailyBars("AAA", [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10.1, 8.5, 9], [9, 9, 9, 9]])];
    const run = await script(bars, {
      0: (c) => c.buy("AAA", 10),
      1: (c) => c.submit({ symbol: "AAA", side: "sell", type: "stop", quantity: 10, stopPrice: 9.2, reason: "protective stop" }),
    });
    expect(run.outcome.log.fills[1]).toMatchObject({ step: 2, side: "sell", price: 9.2, reason: "protective stop" });
    expect(run.outcome.roundTrips[0]!.pnl).toBeCloseTo(-8, 10);
  });

  it("refuses a buy it cannot pay for, and says why", async () => {
    const run = await script([flatBars("AAA", [100, 100, 100])], { 0: (c) => c.buy("AAA", 101) }, {}, undefined, 10_000);
    expect(run.outcome.log.fills).toHaveLength(0);
    expect(run.outcome.log.blocked[0]).toMatchObject({ rule: "insufficient-cash", symbol: "AAA" });
    expect(run.outcome.log.blocked[0]!.reason).toMatch(/costs \$10100\.00.*cash is \$10000\.00/);
  });

  it("trades whole shares of stocks and refuses fractions, unless fractional is on", async () => {
    const bars = [flatBars("AAA", [300, 300, 300])];
    const whole = await script(bars, { 0: (c) => c.buy("AAA", "all"), 1: (c) => c.buy("AAA", 0.5) }, {}, undefined, 1000);
    expect(whole.outcome.log.fills[0]!.quantity).toBe(3);
    expect(whole.outcome.log.blocked[0]).toMatchObject({ rule: "quantity" });
    expect(whole.outcome.log.blocked[0]!.reason).toMatch(/whole shares/);
    const fractional = await script(bars, { 0: (c) => c.buy("AAA", "all") }, { fractional: true }, undefined, 1000);
    expect(fractional.outcome.log.fills[0]!.quantity).toBeCloseTo(1000 / 300, 12);
  });

  it("buys expensive crypto in fractions (never a zero quantity), whatever the spelling", async () => {
    const bars = [flatBars("BTC-USD", [60_000, 60_000, 60_000])];
    const run = await script(bars, { 0: (c) => c.buy("btcusd", "all"), 1: (c) => c.sell("BTC/USD", 0.01) }, {}, undefined, 1000);
    expect(run.outcome.log.fills[0]!.symbol).toBe("BTC/USD");
    expect(run.outcome.log.fills[0]!.quantity).toBeCloseTo(1000 / 60_000, 15);
    expect(run.outcome.log.fills[1]!.quantity).toBe(0.01);
    expect(run.outcome.positions[0]).toBeCloseTo(1000 / 60_000 - 0.01, 15);
  });

  it("refuses an all-cash buy that buys no whole share", async () => {
    const run = await script([flatBars("AAA", [500, 500])], { 0: (c) => c.buy("AAA", "all") }, {}, undefined, 100);
    expect(run.outcome.log.blocked[0]).toMatchObject({ rule: "quantity" });
    expect(run.outcome.log.blocked[0]!.reason).toMatch(/buys no whole AAA share/);
  });

  it("refuses to sell what is not held unless short selling is on", async () => {
    const bars = [flatBars("AAA", [10, 10, 9, 9])];
    const long = await script(bars, { 0: (c) => c.sell("AAA", 5), 1: (c) => c.sell("AAA", "all") });
    expect(long.outcome.log.blocked.map((b) => b.rule)).toEqual(["no-position", "no-position"]);
    const short = await script(bars, { 0: (c) => c.sell("AAA", 5), 2: (c) => c.buy("AAA", 5) }, { allowShort: true });
    expect(short.outcome.roundTrips[0]).toMatchObject({ side: "short", quantity: 5, entryPrice: 10, exitPrice: 9 });
    expect(short.outcome.roundTrips[0]!.pnl).toBeCloseTo(5, 12);
  });

  it("applies commission and slippage to every fill", async () => {
    const run = await script([flatBars("AAA", [100, 100, 100, 100])], { 0: (c) => c.buy("AAA", 10), 1: (c) => c.sell("AAA", 10) }, { commission: { kind: "percent", rate: 0.001 }, slippageBps: 10 });
    const [buy, sell] = run.outcome.log.fills;
    expect(buy!.price).toBeCloseTo(100.1, 10);
    expect(sell!.price).toBeCloseTo(99.9, 10);
    expect(buy!.commission).toBeCloseTo(1.001, 10);
    expect(run.outcome.finalCash).toBeCloseTo(10_000 - 1001 - 1.001 + 999 - 0.999, 8);
    expect(run.outcome.commissionPaid).toBeCloseTo(2, 10);
  });

  it("ignores a resubmitted order with the same idempotency key", async () => {
    const order: OrderRequest = { symbol: "AAA", side: "buy", quantity: 1, idempotencyKey: "day1-buy" };
    const run = await script([flatBars("AAA", [10, 10, 10])], { 0: (c) => { c.submit(order); return c.submit(order); } });
    expect(run.outcome.log.orders).toHaveLength(1);
    expect(run.outcome.log.fills).toHaveLength(1);
  });

  it("rejects malformed and unknown orders with a reason instead of throwing", async () => {
    const run = await script([flatBars("AAA", [10, 10])], {
      0: (c) => {
        c.submit({ symbol: "AAA", side: "buy", quantity: -3 });
        c.submit({ symbol: "AAA", side: "buy", type: "limit", quantity: 1 });
        c.submit({ symbol: "ZZZ", side: "buy", quantity: 1 });
        return c.buy("AAA", 0);
      },
    });
    expect(run.outcome.log.blocked.map((b) => b.rule)).toEqual(["invalid-order", "invalid-order", "unknown-symbol", "quantity"]);
    expect(run.outcome.log.blocked[0]!.reason).toMatch(/quantity must be greater than 0/);
    expect(run.outcome.log.blocked[1]!.reason).toMatch(/limitPrice/);
    expect(run.outcome.log.blocked[2]!.reason).toMatch(/unknown symbol ZZZ/);
    expect(run.results[0]).toMatchObject({ ok: false });
  });

  it("cancels an open order", async () => {
    const run = await script([flatBars("AAA", [10, 10, 10])], {
      0: (c) => {
        const placed = c.submit({ symbol: "AAA", side: "buy", type: "limit", quantity: 1, limitPrice: 5 });
        if (placed.ok) expect(c.cancel(placed.order.id)).toBe(true);
        expect(c.openOrders()).toHaveLength(0);
        expect(c.cancel(999)).toBe(false);
      },
    });
    expect(run.outcome.log.orders[0]!.status).toBe("cancelled");
  });
});
