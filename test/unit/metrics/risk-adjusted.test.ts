import { describe, it, expect } from "vitest";
import { calmar, sharpe, sortino, volatility } from "../../../src/metrics/risk-adjusted";

// Returns [0.1, -0.1, 0.1]: mean = 0.1/3 = 0.0333...; squared deviations 0.0044.., 0.0177.., 0.0044.. sum to
// 0.02666..; sample variance 0.02666../2 = 0.01333..; sample std = sqrt(0.01333..) = 0.11547005383792519.
const EQUITY = [100, 110, 99, 108.9];

describe("volatility", () => {
  it("is the sample std of returns x sqrt(periodsPerYear)", () => {
    // 0.11547005383792519 * sqrt(252) = 1.8330302779823366
    expect(volatility(EQUITY, 252)).toBeCloseTo(1.8330302779823366, 12);
    expect(volatility(Float64Array.from(EQUITY), 1)).toBeCloseTo(0.11547005383792519, 14);
  });

  it("is 0 with fewer than 2 returns", () => {
    expect(volatility([], 252)).toBe(0);
    expect(volatility([100], 252)).toBe(0);
    expect(volatility([100, 110], 252)).toBe(0);
  });

  it("is 0 for constant equity", () => {
    expect(volatility([100, 100, 100, 100], 252)).toBe(0);
  });
});

describe("sharpe", () => {
  it("is mean / sample std x sqrt(periodsPerYear)", () => {
    // 0.0333.. / 0.11547005383792519 = 0.28867513459481337; x sqrt(252) = 4.582575694955848
    expect(sharpe(EQUITY, 252)).toBeCloseTo(4.582575694955848, 12);
    expect(sharpe(Float64Array.from(EQUITY), 1)).toBeCloseTo(0.28867513459481337, 14);
  });

  it("is negative for a losing curve", () => {
    // Returns [-0.1, 0.1, -0.1] mirror the example: -0.28867513459481337 per bar.
    expect(sharpe([100, 90, 99, 89.1], 1)).toBeCloseTo(-0.28867513459481337, 12);
  });

  it("is 0 for constant equity", () => {
    expect(sharpe([100, 100, 100, 100, 100], 252)).toBe(0);
  });

  it("is 0 when every return is identical, not a ratio of rounding noise", () => {
    // 3 x 1.3^k gives twelve returns of exactly 0.30000000000000004, whose computed mean is not that
    // value: a plain two-pass std would be about 5.8e-17 and the "Sharpe" about 8e16.
    const steady = [3];
    for (let i = 0; i < 12; i++) steady.push(steady[i] * 1.3);
    expect(sharpe(steady, 252)).toBe(0);
    expect(volatility(steady, 252)).toBe(0);
  });

  it("is 0 with fewer than 2 returns", () => {
    expect(sharpe([], 252)).toBe(0);
    expect(sharpe([100], 252)).toBe(0);
    expect(sharpe([100, 110], 252)).toBe(0);
  });
});

describe("sortino", () => {
  it("divides the mean return by the downside deviation over all returns", () => {
    // [100, 120, 108, 118.8]: returns [0.2, -0.1, 0.1], mean 0.2/3 = 0.0666..;
    // downside deviation sqrt((0 + 0.01 + 0) / 3) = 0.05773502691896256;
    // 0.0666.. / 0.0577.. = 1.1547005383792517; x sqrt(252) = 18.33030277982335
    expect(sortino([100, 120, 108, 118.8], 252)).toBeCloseTo(18.33030277982335, 11);
    // [100, 110, 99, 108.9]: mean 0.0333.., downside sqrt(0.01/3) = 0.0577..; ratio 0.5773502691896257
    expect(sortino(Float64Array.from(EQUITY), 1)).toBeCloseTo(0.5773502691896257, 13);
  });

  it("is 0 when no return is negative", () => {
    expect(sortino([100, 110, 120, 130], 252)).toBe(0);
    expect(sortino([100, 100, 100], 252)).toBe(0);
  });

  it("uses a single return when that is all there is", () => {
    // One return of -0.5: mean -0.5 / sqrt(0.25 / 1) = -1; x sqrt(4) = -2
    expect(sortino([100, 50], 4)).toBe(-2);
  });

  it("is 0 for empty or single-point input", () => {
    expect(sortino([], 252)).toBe(0);
    expect(sortino([100], 252)).toBe(0);
  });
});

describe("calmar", () => {
  it("is cagr / maxDrawdown", () => {
    expect(calmar(0.2, 0.1)).toBeCloseTo(2, 14);
    expect(calmar(-0.3, 0.5)).toBeCloseTo(-0.6, 14);
  });

  it("is 0 when there was no drawdown", () => {
    expect(calmar(0.2, 0)).toBe(0);
  });
});
