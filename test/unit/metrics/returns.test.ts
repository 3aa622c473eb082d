import { describe, it, expect } from "vitest";
import { annualizedGrowth, cagr, simpleReturns, totalReturn } from "../../../src/metrics/returns";

describe("simpleReturns", () => {
  it("returns equity[i+1]/equity[i] - 1 for each consecutive pair", () => {
    // 110/100 - 1 = 0.1; 99/110 - 1 = -0.1; 108.9/99 - 1 = 0.1
    const returns = simpleReturns([100, 110, 99, 108.9]);
    expect(returns).toBeInstanceOf(Float64Array);
    expect(returns.length).toBe(3);
    expect(returns[0]).toBeCloseTo(0.1, 14);
    expect(returns[1]).toBeCloseTo(-0.1, 14);
    expect(returns[2]).toBeCloseTo(0.1, 14);
  });

  it("accepts a Float64Array", () => {
    expect(Array.from(simpleReturns(Float64Array.of(50, 100, 25)))).toEqual([1, -0.75]);
  });

  it("is empty for empty or single-point input", () => {
    expect(simpleReturns([]).length).toBe(0);
    expect(simpleReturns([100]).length).toBe(0);
  });
});

describe("totalReturn", () => {
  it("is last/first - 1", () => {
    // 108.9/100 - 1 = 0.089
    expect(totalReturn([100, 110, 99, 108.9])).toBeCloseTo(0.089, 14);
    expect(totalReturn(Float64Array.of(200, 150))).toBe(-0.25);
  });

  it("is 0 for fewer than 2 points", () => {
    expect(totalReturn([])).toBe(0);
    expect(totalReturn([100])).toBe(0);
  });
});

describe("cagr", () => {
  it("annualizes over (n-1)/periodsPerYear years", () => {
    // 505 daily points = 504 returns = 2 years at 252/yr: (121/100)^(1/2) - 1 = 0.1
    const equity = new Float64Array(505).fill(100);
    equity[504] = 121;
    expect(cagr(equity, 252)).toBeCloseTo(0.1, 14);
  });

  it("compounds a short curve up to a full year", () => {
    // 3 returns at 252/yr: 1.089^(252/3) - 1 = 1.089^84 - 1 = 1288.2641288883594
    expect(cagr([100, 110, 99, 108.9], 252)).toBeCloseTo(1288.2641288883594, 9);
    // 3 returns at 3/yr is exactly one year: 1.089^1 - 1 = 0.089
    expect(cagr([100, 110, 99, 108.9], 3)).toBeCloseTo(0.089, 14);
  });

  it("is 0 for fewer than 2 points", () => {
    expect(cagr([], 252)).toBe(0);
    expect(cagr([100], 252)).toBe(0);
  });

  it("is -1 when the account ends at or below zero", () => {
    expect(cagr([100, 50, 0], 252)).toBe(-1);
    expect(cagr([100, -20], 252)).toBe(-1);
  });
});

describe("annualizedGrowth", () => {
  it("annualizes growth over a number of bars", () => {
    // 100 -> 121 over 504 daily bars (two years): sqrt(1.21) - 1 = 0.1 a year.
    expect(annualizedGrowth(100, 121, 504, 252)).toBeCloseTo(0.1, 12);
  });
  it("is -1 when everything is lost and 0 over no bars", () => {
    expect(annualizedGrowth(100, 0, 10, 252)).toBe(-1);
    expect(annualizedGrowth(100, 150, 0, 252)).toBe(0);
  });
  it("agrees with cagr over a curve", () => {
    expect(annualizedGrowth(100, 110, 3, 252)).toBe(cagr([100, 105, 90, 110], 252));
  });
});
