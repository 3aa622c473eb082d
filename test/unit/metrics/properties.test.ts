import { describe, it, expect } from "vitest";
import { seededRandom as mulberry32 } from "../../../src/data/random";
import {
  alphaBeta,
  cagr,
  drawdownSeries,
  maxDrawdown,
  maxDrawdownWindow,
  sharpe,
  sortino,
  totalReturn,
  volatility,
} from "../../../src/metrics/index";

/** A positive random-walk equity curve with per-bar returns in [-5%, +5%) plus a small drift. */
function randomCurve(random: () => number, length: number): Float64Array {
  const equity = new Float64Array(length);
  equity[0] = 100 + random() * 900;
  for (let i = 1; i < length; i++) {
    equity[i] = equity[i - 1] * (1 + (random() - 0.5) * 0.1 + 0.0005);
  }
  return equity;
}

/** Sharpe written the obvious way, with an intermediate returns array, to check the single-array version. */
function naiveSharpe(equity: ArrayLike<number>, periodsPerYear: number): number {
  const values = Array.from(equity);
  const returns = values.slice(1).map((value, i) => value / values[i] - 1);
  if (returns.length < 2) return 0;
  const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length;
  const variance = returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (returns.length - 1);
  const std = Math.sqrt(variance);
  return std === 0 ? 0 : (mean / std) * Math.sqrt(periodsPerYear);
}

const CURVES = 50;

describe("metrics on seeded random equity curves", () => {
  const random = mulberry32(20240601);
  const curves = Array.from({ length: CURVES }, () => randomCurve(random, 2 + Math.floor(random() * 500)));

  it("maxDrawdown equals the max of drawdownSeries and lies in [0, 1)", () => {
    for (const equity of curves) {
      const series = drawdownSeries(equity);
      let seriesMax = 0;
      for (const value of series) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
        seriesMax = Math.max(seriesMax, value);
      }
      const depth = maxDrawdown(equity);
      expect(depth).toBe(seriesMax);
      expect(depth).toBeGreaterThanOrEqual(0);
      expect(depth).toBeLessThan(1);
    }
  });

  it("maxDrawdownWindow agrees with maxDrawdown and its own indices", () => {
    for (const equity of curves) {
      const window = maxDrawdownWindow(equity);
      expect(window.depth).toBe(maxDrawdown(equity));
      if (window.depth === 0) continue;
      expect(window.peakIndex).toBeLessThan(window.troughIndex);
      expect(1 - equity[window.troughIndex] / equity[window.peakIndex]).toBe(window.depth);
      if (window.recoveryIndex >= 0) {
        expect(window.recoveryIndex).toBeGreaterThan(window.troughIndex);
        expect(equity[window.recoveryIndex]).toBeGreaterThanOrEqual(equity[window.peakIndex]);
      }
    }
  });

  it("sharpe equals a naive re-implementation, for typed and plain arrays", () => {
    for (const equity of curves) {
      const expected = naiveSharpe(equity, 252);
      expect(sharpe(equity, 252)).toBeCloseTo(expected, 9);
      expect(sharpe(Array.from(equity), 252)).toBeCloseTo(expected, 9);
    }
  });

  it("alphaBeta of a curve against itself is beta 1, alpha 0", () => {
    for (const equity of curves) {
      if (equity.length < 3) continue;
      const { alpha, beta } = alphaBeta(equity, equity, 252);
      expect(beta).toBeCloseTo(1, 12);
      expect(alpha).toBeCloseTo(0, 12);
    }
  });
});
