import { describe, expect, it } from "vitest";
import { marketOf } from "../../../src/market/market";
import { RiskGuard, RiskLimitsSchema } from "../../../src/risk/guard";
import type { RiskLimits } from "../../../src/risk/guard";
import { runLoop } from "../../../src/run/loop";
import type { StrategyContext } from "../../../src/strategy/strategy";
import type { BarSeries } from "../../../src/data/series";
import { dailyBars, flatBars, minuteBars } from "../fixtures";

async function script(series: BarSeries[], risk: RiskLimits, actions: Record<number, (ctx: StrategyContext) => void>, cash = 10_000) {
  return runLoop({
    market: marketOf(series),
    initialCash: cash,
    risk,
    strategy: { name: "script", onBar: (ctx) => actions[ctx.view.step]?.(ctx) },
  });
}


describe("the risk guard", () => {
  it("allows only the allowed tickers, in any spelling", () => {
    const guard = new RiskGuard({ allowedTickers: ["eth-usd", "AAPL"] });
    guard.startDay(20200102, 10_000);
    expect(guard.check("ETH/USD", "buy", 1, 570, 10_000, 0, 100)).toBeUndefined();
    expect(guard.check("MSFT", "buy", 1, 570, 10_000, 0, 100)).toMatchObject({ rule: "allowed-tickers", reason: expect.stringMatching(/MSFT is not in the allowed tickers/) });
  });

  it("limits a position's value, in cash or as a fraction of equity", () => {
    const byValue = new RiskGuard({ maxPositionValue: 5_000 });
    expect(byValue.check("AAA", "buy", 50, 570, 10_000, 0, 100)).toBeUndefined();
    expect(byValue.check("AAA", "buy", 51, 570, 10_000, 0, 100)).toMatchObject({ rule: "max-position" });
    expect(byValue.check("AAA", "buy", 1, 570, 10_000, 50, 100)).toMatchObject({ rule: "max-position", reason: expect.stringMatching(/already at the limit/) });
    expect(byValue.buyRoom(10_000, 20, 100)).toBe(30);
    // Selling is never limited by the position cap.
    expect(byValue.check("AAA", "sell", 60, 570, 10_000, 60, 100)).toBeUndefined();
    const byFraction = new RiskGuard({ maxPositionFraction: 0.25 });
    expect(byFraction.buyRoom(10_000, 0, 100)).toBe(25);
  });

  it("caps an all-cash buy at the position limit", async () => {
    const run = await script([flatBars("AAA", [100, 100, 100])], { maxPositionValue: 2_500 }, { 0: (c) => c.buy("AAA", "all") });
    expect(run.log.fills[0]!.quantity).toBe(25);
  });

  it("counts orders per day and resets the count each day", async () => {
    const bars = [dailyBars("AAA", [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]])];
    const run = await script(bars, { maxTradesPerDay: 2 }, {
      0: (c) => { c.buy("AAA", 1); c.buy("AAA", 1); c.buy("AAA", 1); },
      1: (c) => { c.buy("AAA", 1); },
    });
    expect(run.log.orders).toHaveLength(3);
    expect(run.log.blocked).toHaveLength(1);
    expect(run.log.blocked[0]).toMatchObject({ rule: "max-trades-per-day", step: 0, reason: expect.stringMatching(/already 2 orders on 2020-01-01; the limit is 2 a day/) });
  });

  it("halts new entries for the day once the daily loss cap is hit, allows exits, and resumes the next day", async () => {
    const day1 = minuteBars("AAA", [100, 100, 90, 90, 90], 20200102);
    const day2 = minuteBars("AAA", [90, 90], 20200103);
    const joined = { ...day1, length: 7 } as BarSeries;
    for (const key of ["time", "day", "minute", "open", "high", "low", "close", "volume"] as const) {
      const merged = new (day1[key].constructor as Float64ArrayConstructor)(7);
      merged.set(day1[key] as Float64Array);
      merged.set(day2[key] as Float64Array, 5);
      (joined as unknown as Record<string, unknown>)[key] = merged;
    }
    const run = await script([joined], { dailyLossCap: 0.05 }, {
      0: (c) => c.buy("AAA", 100),
      2: (c) => c.buy("AAA", 1), // equity 10,000 - 1,000 = 9,000: down 10% on the day
      3: (c) => c.sell("AAA", 50), // exits stay allowed
      5: (c) => c.buy("AAA", 1), // a new day, a new start
    });
    expect(run.log.blocked).toHaveLength(1);
    expect(run.log.blocked[0]).toMatchObject({ rule: "daily-loss-cap", step: 2 });
    expect(run.log.blocked[0]!.reason).toMatch(/trading halted for 2020-01-02: equity is down 10\.00% .* past the 5\.00% cap; only exits are allowed/);
    expect(run.log.fills.map((f) => [f.step, f.side])).toEqual([[1, "buy"], [4, "sell"], [6, "buy"]]);
  });

  it("allows orders only inside the session windows", async () => {
    const bars = minuteBars("AAA", [10, 10, 10, 10], 20200102, 9 * 60 + 28);
    const run = await script([bars], { sessionWindows: [{ start: "09:30", end: "16:00" }] }, {
      0: (c) => c.buy("AAA", 1),
      2: (c) => c.buy("AAA", 1),
    });
    expect(run.log.blocked[0]).toMatchObject({ rule: "session-window", reason: "09:28 New York is outside the trading windows 09:30-16:00" });
    expect(run.log.orders).toHaveLength(1);
  });

  it("rejects malformed limits with the field named", () => {
    expect(RiskLimitsSchema.safeParse({ sessionWindows: [{ start: "9:30", end: "16:00" }] }).success).toBe(false);
    expect(RiskLimitsSchema.safeParse({ dailyLossCap: 1.5 }).success).toBe(false);
    expect(RiskLimitsSchema.safeParse({ maxTradesPerDay: 2.5 }).success).toBe(false);
    const unknown = RiskLimitsSchema.safeParse({ maxLoss: 0.1 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toMatch(/maxLoss/);
  });
});
