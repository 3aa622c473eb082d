import { describe, it, expect } from "vitest";
import { medianInterval, periodsPerYear } from "../../../src/metrics/periods";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("periodsPerYear", () => {
  it("scales intraday bars by 252 sessions of 390 minutes", () => {
    // 252 * 390 / 1 = 98,280; / 5 = 19,656; / 60 = 1,638; / 30 = 3,276
    expect(periodsPerYear(MINUTE)).toBe(98_280);
    expect(periodsPerYear(5 * MINUTE)).toBe(19_656);
    expect(periodsPerYear(30 * MINUTE)).toBe(3_276);
    expect(periodsPerYear(HOUR)).toBe(1_638);
  });

  it("is 252 for daily bars, including an hour's daylight-saving shift", () => {
    expect(periodsPerYear(20 * HOUR)).toBe(252);
    expect(periodsPerYear(23 * HOUR)).toBe(252);
    expect(periodsPerYear(DAY)).toBe(252);
    expect(periodsPerYear(25 * HOUR)).toBe(252);
    expect(periodsPerYear(3 * DAY)).toBe(252);
  });

  it("is 52 for weekly and 12 for monthly bars", () => {
    expect(periodsPerYear(5 * DAY)).toBe(52);
    expect(periodsPerYear(7 * DAY)).toBe(52);
    expect(periodsPerYear(27 * DAY)).toBe(12);
    expect(periodsPerYear(31 * DAY)).toBe(12);
  });

  it("rejects a non-positive or non-finite interval", () => {
    for (const bad of [0, -MINUTE, Number.NaN, Infinity]) {
      expect(() => periodsPerYear(bad)).toThrow(RangeError);
    }
  });
});

describe("medianInterval", () => {
  it("is the median consecutive difference", () => {
    expect(medianInterval([0, MINUTE, 2 * MINUTE, 3 * MINUTE])).toBe(MINUTE);
    // Differences [10, 20]: even count, mean of the middle two = 15
    expect(medianInterval(Float64Array.of(0, 10, 30))).toBe(15);
  });

  it("ignores overnight and weekend gaps in daily bars", () => {
    // Mon..Fri then Mon: differences [1, 1, 1, 1, 3] days -> median 1 day
    const times = [0, 1, 2, 3, 4, 7].map((d) => d * DAY);
    expect(medianInterval(times)).toBe(DAY);
  });

  it("ignores duplicate and out-of-order stamps", () => {
    // Positive differences are [60000, 60000] only.
    expect(medianInterval([0, 0, MINUTE, MINUTE / 2, 3 * MINUTE / 2])).toBe(MINUTE);
  });

  it("is 0 with fewer than 2 points or no positive difference", () => {
    expect(medianInterval([])).toBe(0);
    expect(medianInterval([1000])).toBe(0);
    expect(medianInterval([5, 5, 5])).toBe(0);
    expect(medianInterval([3, 2, 1])).toBe(0);
  });

  it("samples a million stamps and still finds the bar interval", () => {
    // Minute bars with a 17.5-hour overnight gap every 390 bars, as in a regular-session intraday feed.
    const times = new Float64Array(1_000_000);
    for (let i = 1; i < times.length; i++) {
      times[i] = times[i - 1] + (i % 390 === 0 ? 17.5 * HOUR : MINUTE);
    }
    expect(medianInterval(times)).toBe(MINUTE);
  });
});
