import { describe, expect, it } from "vitest";
import { Portfolio } from "../../../src/broker/portfolio";
import { instrumentOf } from "../../../src/data/symbols";
import type { Fill } from "../../../src/model/order";

const fill = (side: "buy" | "sell", quantity: number, price: number, step: number, commission = 0): Fill => ({
  orderId: step,
  symbol: "AAA",
  side,
  quantity,
  price,
  commission,
  step,
  time: step * 1000,
  reason: undefined,
});

describe("the portfolio", () => {
  it("tracks cash, positions and equity", () => {
    const p = new Portfolio(1000, [instrumentOf("AAA"), instrumentOf("BBB")]);
    p.apply(0, fill("buy", 5, 100, 1, 0.5));
    expect(p.cash).toBe(1000 - 500 - 0.5);
    expect(p.position(0)).toBe(5);
    expect(p.equity([110, 1])).toBe(499.5 + 550);
    expect(p.tradedNotional).toBe(500);
  });

  it("closes a round trip when the position returns to flat, net of commissions", () => {
    const p = new Portfolio(10_000, [instrumentOf("AAA")]);
    p.apply(0, fill("buy", 10, 100, 1, 1));
    p.apply(0, fill("buy", 10, 110, 2, 1));
    p.apply(0, fill("sell", 5, 120, 3, 1));
    expect(p.roundTrips).toHaveLength(0);
    p.apply(0, fill("sell", 15, 90, 4, 1));
    expect(p.roundTrips).toHaveLength(1);
    const trip = p.roundTrips[0]!;
    expect(trip.side).toBe("long");
    expect(trip.quantity).toBe(20);
    expect(trip.entryPrice).toBe(105);
    expect(trip.exitPrice).toBe((5 * 120 + 15 * 90) / 20);
    expect(trip.pnl).toBeCloseTo(-1000 - 1100 + 600 + 1350 - 4, 10);
    expect(trip.entryStep).toBe(1);
    expect(trip.exitStep).toBe(4);
  });

  it("splits a fill that goes through zero into a closing and an opening trip", () => {
    const p = new Portfolio(10_000, [instrumentOf("AAA")]);
    p.apply(0, fill("buy", 10, 100, 1, 2));
    p.apply(0, fill("sell", 30, 110, 2, 3));
    expect(p.position(0)).toBe(-20);
    expect(p.roundTrips).toHaveLength(1);
    expect(p.roundTrips[0]!.pnl).toBeCloseTo(100 - 2 - 1, 10);
    p.apply(0, fill("buy", 20, 100, 3, 0));
    expect(p.roundTrips[1]).toMatchObject({ side: "short", quantity: 20, entryPrice: 110, exitPrice: 100 });
    expect(p.roundTrips[1]!.pnl).toBeCloseTo(200 - 2, 10);
  });

  it("treats fractional dust as flat", () => {
    const p = new Portfolio(1000, [instrumentOf("ETH-USD")]);
    p.apply(0, fill("buy", 0.3, 3000, 1));
    p.apply(0, fill("sell", 0.1, 3000, 2));
    p.apply(0, fill("sell", 0.2, 3000, 3));
    expect(p.position(0)).toBe(0);
    expect(p.roundTrips).toHaveLength(1);
  });
});
