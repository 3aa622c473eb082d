import { describe, it, expect } from "vitest";
import { profitFactor, winRate } from "../../../src/metrics/trades";

describe("winRate", () => {
  it("is the fraction of trades with pnl > 0", () => {
    // 2 winners of 5; the break-even trade counts as a trade but not as a win.
    expect(winRate([10, -5, 0, 20, -1])).toBe(0.4);
    expect(winRate(Float64Array.of(1, 2, -3, 4))).toBe(0.75);
  });

  it("is 0 with no trades", () => {
    expect(winRate([])).toBe(0);
  });

  it("is 1 when every trade wins and 0 when none does", () => {
    expect(winRate([1, 2, 3])).toBe(1);
    expect(winRate([-1, 0, -3])).toBe(0);
  });
});

describe("profitFactor", () => {
  it("is gross profit / gross loss", () => {
    // (10 + 20) / |-5 - 1| = 30 / 6 = 5
    expect(profitFactor([10, -5, 0, 20, -1])).toBe(5);
    // 3 / |-4| = 0.75
    expect(profitFactor(Float64Array.of(1, 2, -4))).toBe(0.75);
  });

  it("is Infinity when there are gains and no losses", () => {
    expect(profitFactor([5, 7, 0])).toBe(Infinity);
  });

  it("is 0 with no trades or no gains", () => {
    expect(profitFactor([])).toBe(0);
    expect(profitFactor([-5, -7])).toBe(0);
    expect(profitFactor([0, 0])).toBe(0);
  });
});
