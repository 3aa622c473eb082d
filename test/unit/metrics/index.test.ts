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
        "sharpe",
        "simpleReturns",
        "sortino",
        "totalReturn",
        "turnover",
        "volatility",
        "winRate",
      ].sort(),
    );
    for (const value of Object.values(metrics)) expect(typeof value).toBe("function");
  });
});
