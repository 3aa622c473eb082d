import { describe, it, expect } from "vitest";
import { alphaBeta } from "../../../src/metrics/benchmark";

/** An equity curve starting at 100 that earns the given per-bar returns. */
function curve(returns: number[]): number[] {
  const equity = [100];
  for (const r of returns) equity.push(equity[equity.length - 1] * (1 + r));
  return equity;
}

describe("alphaBeta", () => {
  it("computes sample beta and annualized simple alpha", () => {
    // Benchmark returns b = [0.01, -0.01, 0.03], mean 0.01, deviations [0, -0.02, 0.02];
    // strategy returns r = [0.03, -0.01, 0.05], mean 0.07/3, deviations [0.02/3, -0.1/3, 0.08/3].
    // cov = (0 + 0.002/3 + 0.0016/3) / 2 = 0.0006; var(b) = (0 + 0.0004 + 0.0004) / 2 = 0.0004;
    // beta = 0.0006 / 0.0004 = 1.5; alpha = (0.07/3 - 1.5 * 0.01) * 252 = (0.025/3) * 252 = 2.1
    const benchmark = [100, 101, 99.99, 102.9897];
    const equity = [100, 103, 101.97, 107.0685];
    const { alpha, beta } = alphaBeta(equity, benchmark, 252);
    expect(beta).toBeCloseTo(1.5, 12);
    expect(alpha).toBeCloseTo(2.1, 11);
  });

  it("gives beta 2 and alpha 0 when the strategy earns twice the benchmark's returns", () => {
    const b = [0.01, -0.02, 0.015, 0.003, -0.007, 0.02, -0.011];
    const { alpha, beta } = alphaBeta(
      Float64Array.from(curve(b.map((x) => 2 * x))),
      Float64Array.from(curve(b)),
      252,
    );
    expect(beta).toBeCloseTo(2, 12);
    expect(alpha).toBeCloseTo(0, 12);
  });

  it("gives beta 1 and alpha 0 against itself", () => {
    const equity = curve([0.05, -0.03, 0.02, 0.01]);
    const { alpha, beta } = alphaBeta(equity, equity, 252);
    expect(beta).toBeCloseTo(1, 13);
    expect(alpha).toBeCloseTo(0, 13);
  });

  it("gives beta 0 and alpha = mean(r) * periodsPerYear against a flat benchmark", () => {
    // mean([0.03, -0.01, 0.05]) = 0.07/3; x 252 = 5.88
    expect(alphaBeta([100, 103, 101.97, 107.0685], [50, 50, 50, 50], 252)).toEqual({
      alpha: expect.closeTo(5.88, 11),
      beta: 0,
    });
  });

  it("gives beta 0 and alpha = r * periodsPerYear with a single return", () => {
    // One return of 0.1: no sample variance; alpha = 0.1 * 12 = 1.2
    const { alpha, beta } = alphaBeta([100, 110], [100, 105], 12);
    expect(beta).toBe(0);
    expect(alpha).toBeCloseTo(1.2, 13);
  });

  it("is all zero for empty or single-point input", () => {
    expect(alphaBeta([], [], 252)).toEqual({ alpha: 0, beta: 0 });
    expect(alphaBeta([100], [100], 252)).toEqual({ alpha: 0, beta: 0 });
  });

  it("throws a RangeError naming both lengths when the series are not aligned", () => {
    expect(() => alphaBeta([100, 101, 102], [100, 101], 252)).toThrow(RangeError);
    expect(() => alphaBeta([100, 101, 102], [100, 101], 252)).toThrow(/3.*2/);
    expect(() => alphaBeta(new Float64Array(4), new Float64Array(7), 252)).toThrow(/4.*7/);
  });
});
