import { describe, it, expect } from "vitest";
import { exposure, turnover } from "../../../src/metrics/activity";

describe("exposure", () => {
  it("is the fraction of points with a non-zero position, long or short", () => {
    // Non-zero at 3 of 5 points; the short (-50) counts.
    expect(exposure([0, 100, -50, 0, 25])).toBe(0.6);
    expect(exposure(Float64Array.of(1, 1, 1, 1))).toBe(1);
  });

  it("is 0 when always flat or with no points", () => {
    expect(exposure([0, 0, 0])).toBe(0);
    expect(exposure([])).toBe(0);
  });
});

describe("turnover", () => {
  it("is traded notional / mean equity", () => {
    // mean(100, 200, 300) = 200; 1000 / 200 = 5
    expect(turnover(1000, [100, 200, 300])).toBe(5);
    expect(turnover(50, Float64Array.of(100, 100))).toBe(0.5);
  });

  it("is 0 when nothing traded", () => {
    expect(turnover(0, [100, 200])).toBe(0);
  });

  it("is 0 when mean equity is 0 or there is no equity", () => {
    expect(turnover(1000, [0, 0])).toBe(0);
    expect(turnover(1000, [-100, 100])).toBe(0);
    expect(turnover(1000, [])).toBe(0);
  });
});
