import { describe, it, expect } from "vitest";
import { drawdownSeries, maxDrawdown, maxDrawdownWindow } from "../../../src/metrics/drawdown";

// Running peaks 100, 120, 120, 120, 120, 120, 125, 125; the deepest point is 60 against the peak of 120
// at index 1 (1 - 60/120 = 0.5), and 125 at index 6 is the first value back at or above 120.
const EQUITY = [100, 120, 90, 110, 60, 80, 125, 100];

describe("maxDrawdown", () => {
  it("is the deepest fall below the running peak", () => {
    expect(maxDrawdown(EQUITY)).toBe(0.5);
    expect(maxDrawdown(Float64Array.from(EQUITY))).toBe(0.5);
  });

  it("is 0 for a curve that never falls below a previous peak", () => {
    expect(maxDrawdown([100, 100, 110, 120, 120])).toBe(0);
    expect(maxDrawdown([100])).toBe(0);
    expect(maxDrawdown([])).toBe(0);
  });

  it("measures a fall from the first point", () => {
    // 1 - 75/100 = 0.25
    expect(maxDrawdown([100, 75])).toBe(0.25);
  });
});

describe("drawdownSeries", () => {
  it("gives 1 - equity/peak at every point", () => {
    const series = drawdownSeries(EQUITY);
    expect(series).toBeInstanceOf(Float64Array);
    expect(series.length).toBe(EQUITY.length);
    // 0, 0, 1-90/120, 1-110/120, 1-60/120, 1-80/120, 0, 1-100/125
    const expected = [0, 0, 0.25, 1 / 12, 0.5, 1 / 3, 0, 0.2];
    expected.forEach((value, i) => expect(series[i]).toBeCloseTo(value, 14));
  });

  it("is empty for empty input and [0] for a single point", () => {
    expect(drawdownSeries([]).length).toBe(0);
    expect(Array.from(drawdownSeries([100]))).toEqual([0]);
  });
});

describe("maxDrawdownWindow", () => {
  it("finds peak, trough and recovery", () => {
    expect(maxDrawdownWindow(EQUITY)).toEqual({ peakIndex: 1, troughIndex: 4, recoveryIndex: 6, depth: 0.5 });
  });

  it("reports -1 recovery when the curve never regains the peak", () => {
    // 1 - 75/100 = 0.25
    expect(maxDrawdownWindow([100, 75, 90])).toEqual({ peakIndex: 0, troughIndex: 1, recoveryIndex: -1, depth: 0.25 });
  });

  it("counts a return to exactly the peak value as recovery", () => {
    expect(maxDrawdownWindow([100, 50, 100, 90])).toEqual({ peakIndex: 0, troughIndex: 1, recoveryIndex: 2, depth: 0.5 });
  });

  it("measures from the latest visit to the peak before the trough", () => {
    // The dip at index 1 recovered at index 2, so the deeper fall to 50 starts at index 2.
    expect(maxDrawdownWindow([100, 75, 100, 50, 100])).toEqual({ peakIndex: 2, troughIndex: 3, recoveryIndex: 4, depth: 0.5 });
  });

  it("keeps the first of equally deep drawdowns", () => {
    expect(maxDrawdownWindow([100, 75, 100, 75, 100])).toEqual({ peakIndex: 0, troughIndex: 1, recoveryIndex: 2, depth: 0.25 });
  });

  it("reports no window when there is no drawdown", () => {
    const none = { peakIndex: -1, troughIndex: -1, recoveryIndex: -1, depth: 0 };
    expect(maxDrawdownWindow([])).toEqual(none);
    expect(maxDrawdownWindow([100])).toEqual(none);
    expect(maxDrawdownWindow(Float64Array.of(100, 100, 105))).toEqual(none);
  });
});
