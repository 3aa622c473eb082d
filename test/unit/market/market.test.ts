import { describe, expect, it } from "vitest";
import { marketOf } from "../../../src/market/market";
import { MarketView } from "../../../src/market/view";
import { InputError } from "../../../src/errors";
import { dailyBars, flatBars } from "../fixtures";

describe("a market of several series", () => {
  it("puts every symbol on one timeline, with absent bars as NaN (not zero volume)", () => {
    const a = flatBars("AAA", [1, 2, 3, 4]);
    const b = dailyBars("BBB", [[5, 5, 5, 5], [6, 6, 6, 6]]);
    const bLate = { ...b, time: b.time.map((t) => t + 2 * 86_400_000), day: b.day.map((d) => d + 2) };
    const market = marketOf([a, bLate]);
    expect(market.length).toBe(4);
    expect([...market.close[1]!]).toEqual([NaN, NaN, 5, 6]);
    expect([...market.volume[1]!]).toEqual([NaN, NaN, 1000, 1000]);
    const view = new MarketView(market);
    view.advanceTo(1);
    expect(Number.isNaN(view.lastPrice(1))).toBe(true);
    view.advanceTo(3);
    expect(view.lastPrice(1)).toBe(6);
    expect(view.handle("bbb")).toBe(1);
    expect(() => view.handle("CCC")).toThrow(/unknown symbol CCC/);
  });

  it("uses a single series as it is", () => {
    const a = flatBars("AAA", [1, 2]);
    expect(marketOf([a]).close[0]).toBe(a.close);
  });

  it("refuses empty input and repeated symbols", () => {
    expect(() => marketOf([])).toThrow(InputError);
    const a = flatBars("AAA", [1, 2]);
    expect(() => marketOf([a, a])).toThrow(/AAA appears twice/);
  });
});
