import { describe, it, expect } from "vitest";
import * as metrics from "../../../src/metrics/index";

describe("metrics index", () => {
  it("re-exports exactly the public functions", () => {
    expect(Object.keys(metrics).sort()).toEqual(
      [
        "alphaBeta",
        "annualizedGrowth",
        "cagr",
        "calmar",
        "drawdownSeries",
        "exposure",
        "maxDrawdown",
        "maxDrawdownWindow",
        "medianInterval",
        "periodsPerYear",
        "profitFactor",
        "returnStatistics",
        "sharpe",
        "sharpeOf",
        "simpleReturns",
        "sortino",
        "sortinoOf",
        "totalReturn",
        "turnover",
        "volatility",
        "volatilityOf",
        "winRate",
      ].sort(),
    );
    for (const value of Object.values(metrics)) expect(typeof value).toBe("function");
  });
});
