// Downsampling for display keeps the extremes: the bottom of a drawdown, spikes and crashes survive.
import { describe, expect, it } from "vitest";
import { downsampleIndices, pick } from "../../../src/charts/downsample";
import { seededRandom } from "../../../src/data/random";
import { drawdownSeries, maxDrawdown, maxDrawdownWindow } from "../../../src/metrics/drawdown";
import { aaplDaily } from "./chart-fixtures";

/** A seeded random walk of `n` equity values from 100,000. */
function walk(n: number, seed = 7): Float64Array {
  const random = seededRandom(seed);
  const equity = new Float64Array(n);
  let value = 100_000;
  for (let i = 0; i < n; i++) {
    value *= 1 + (random() - 0.5) * 0.004;
    equity[i] = value;
  }
  return equity;
}

describe("downsampleIndices", () => {
  it("keeps the max drawdown point of 100,000 points downsampled to 2,000 (equity and drawdown curves)", () => {
    const equity = walk(100_000);
    const window = maxDrawdownWindow(equity);
    expect(window.troughIndex).toBeGreaterThan(0);
    // The equity curve as the equity chart picks it (peak and trough forced): the same max drawdown.
    const forEquity = downsampleIndices([equity], 2_000, [window.peakIndex, window.troughIndex]);
    expect(forEquity.length).toBeLessThanOrEqual(2_000);
    expect(forEquity.length).toBeGreaterThan(1_900);
    expect([...forEquity]).toContain(window.troughIndex);
    expect([...forEquity]).toContain(window.peakIndex);
    expect(maxDrawdown(pick(equity, forEquity))).toBe(maxDrawdown(equity));
    // The drawdown curve as the drawdown chart picks it: its deepest point is a bucket's maximum.
    const drawdown = drawdownSeries(equity);
    const forDrawdown = downsampleIndices([drawdown], 2_000);
    expect(forDrawdown.length).toBeLessThanOrEqual(2_000);
    expect(Math.max(...pick(drawdown, forDrawdown))).toBe(window.depth);
  });

  it("keeps every bucket's lowest and highest point, the first and the last, in order and without repeats", () => {
    const values = walk(10_007, 3);
    values[4321] = 1; // a crash
    values[8765] = 1e9; // a spike
    const indices = downsampleIndices([values], 500);
    const list = [...indices];
    expect(list[0]).toBe(0);
    expect(list.at(-1)).toBe(values.length - 1);
    expect(list).toContain(4321);
    expect(list).toContain(8765);
    for (let k = 1; k < list.length; k++) expect(list[k]!).toBeGreaterThan(list[k - 1]!);
    const kept = pick(values, indices);
    expect(Math.min(...kept)).toBe(1);
    expect(Math.max(...kept)).toBe(1e9);
  });

  it("keeps the extremes of every series drawn together, within the budget", () => {
    const a = walk(50_000, 1);
    const b = walk(50_000, 2);
    const indices = downsampleIndices([a, b], 2_000, [123]);
    expect(indices.length).toBeLessThanOrEqual(2_000);
    expect([...indices]).toContain(123);
    for (const s of [a, b]) {
      const kept = pick(s, indices);
      expect(Math.min(...kept)).toBe(Math.min(...s));
      expect(Math.max(...kept)).toBe(Math.max(...s));
    }
  });

  it("returns every index when the curve is short enough, and ignores NaN and out-of-range keeps", () => {
    expect([...downsampleIndices([[1, 2, 3]], 10)]).toEqual([0, 1, 2]);
    expect([...downsampleIndices([], 10)]).toEqual([]);
    const withGaps = Float64Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? NaN : i));
    const indices = downsampleIndices([withGaps], 100, [-5, 5_000, 2.5]);
    expect([...indices].filter((i) => i !== 0 && Number.isNaN(withGaps[i]!))).toEqual([]);
    expect(indices.length).toBeLessThanOrEqual(100);
    expect(() => downsampleIndices([[1, 2]], 1)).toThrow(RangeError);
    expect(() => downsampleIndices([[1, 2], [1]], 10)).toThrow(/lengths differ/);
  });

  it("keeps the deepest drawdown of a real ten-year run when squeezed to 200 points", async () => {
    const result = await aaplDaily();
    const window = maxDrawdownWindow(result.equityCurve);
    const indices = downsampleIndices([result.equityCurve, result.benchmarkCurve], 200, [window.peakIndex, window.troughIndex]);
    expect(indices.length).toBeLessThanOrEqual(200);
    expect(maxDrawdown(pick(result.equityCurve, indices))).toBe(result.maxDrawdown);
  });
});
