import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import { backtest } from "../../../src/run/backtest";
import { checkSmaCrossParams, compareSma } from "../../../src/strategy/sma-cross";
import { flatBars } from "../fixtures";

describe("built-in strategies", () => {
  it("buy-and-hold buys once with all cash and holds to the end", async () => {
    const result = await backtest({ data: [flatBars("AAA", [10, 12, 15, 9, 20])], strategy: "buy-and-hold", cash: 1000 });
    expect(result.fills).toBe(1);
    expect(result.fillLog[0]).toMatchObject({ step: 1, quantity: 83, price: 12 });
    expect(result.roundTrips).toBe(0);
    expect(result.finalEquity).toBe(1000 - 83 * 12 + 83 * 20);
    expect(result.exposure).toBeCloseTo(4 / 5, 12);
  });

  it("sma-cross buys on a cross up and sells on a cross down", async () => {
    // fast 2 / slow 3. At bar 4 the SMAs tie (8 = 8), at bar 5 fast is above (10 > 9): the cross up is at
    // bar 5 and fills at bar 6's open (13). At bar 8 fast drops below (10 < 11): sold at bar 9's open.
    const closes = [10, 9, 8, 7, 9, 11, 13, 12, 8, 6];
    const result = await backtest({ data: [flatBars("AAA", closes)], fast: 2, slow: 3, cash: 1000 });
    expect(result.fillLog.map((f) => [f.step, f.side, f.price, f.quantity])).toEqual([[6, "buy", 13, 76], [9, "sell", 6, 76]]);
    expect(result.tradeLog[0]!.pnl).toBe(76 * 6 - 76 * 13);
  });

  it("validates its windows", () => {
    expect(() => checkSmaCrossParams({ fast: 50, slow: 10 })).toThrow(/fast \(50\) must be shorter than slow \(10\)/);
    expect(() => checkSmaCrossParams({ fast: 10, slow: 10 })).toThrow(InputError);
    expect(() => checkSmaCrossParams({ fast: 2.5, slow: 10 })).toThrow(/fast/);
    expect(checkSmaCrossParams({})).toEqual({ fast: 10, slow: 50 });
  });

  it("compares SMAs with a float-noise tolerance", () => {
    expect(compareSma(1, 1 + 1e-14)).toBe(0);
    expect(compareSma(1, 1 + 1e-9)).toBe(-1);
    expect(compareSma(2, 1)).toBe(1);
  });
});
