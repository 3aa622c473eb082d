import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../src/data/random";
import { ema, last, rateOfChange, rollingVolatility, rsi, sma } from "../../../src/indicators";

/** NaN-aware comparison: expected NaN positions must be NaN, numbers must agree to `digits`. */
function expectSeries(actual: Float64Array, expected: number[], digits = 12): void {
  expect(actual).toBeInstanceOf(Float64Array);
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    if (Number.isNaN(value)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(value, digits);
  });
}

// The classic Wilder RSI worked example (20 closes), used for rsi below.
const WILDER = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64];

describe("sma", () => {
  it("is the mean of the last `period` values, NaN until the window is full", () => {
    // (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
    expectSeries(sma([1, 2, 3, 4, 5], 3), [NaN, NaN, 2, 3, 4]);
    // (10+11)/2 = 10.5, (11+10.5)/2 = 10.75, (10.5+12)/2 = 11.25
    expectSeries(sma(Float64Array.of(10, 11, 10.5, 12), 2), [NaN, 10.5, 10.75, 11.25]);
  });

  it("with period 1 is the series itself", () => {
    expectSeries(sma([3, 1, 4], 1), [3, 1, 4]);
  });

  it("blanks only the windows that contain a missing bar", () => {
    // windows [1,NaN] [NaN,3] are NaN; [3,5] = 4; [5,7] = 6
    expectSeries(sma([1, NaN, 3, 5, 7], 2), [NaN, NaN, NaN, 4, 6]);
  });

  it("is all NaN when there are fewer values than the period, and empty for empty input", () => {
    expectSeries(sma([1, 2], 3), [NaN, NaN]);
    expect(sma([], 3).length).toBe(0);
  });

  it("keeps its running sum honest over a long random walk (no drift from the window mean)", () => {
    const random = seededRandom(11);
    const prices = new Float64Array(200_000);
    let price = 100;
    for (let i = 0; i < prices.length; i++) prices[i] = price *= 1 + (random() - 0.5) * 0.02;
    const out = sma(prices, 50);
    for (const i of [49, 1_000, 99_999, 199_999]) {
      let sum = 0;
      for (let j = i - 49; j <= i; j++) sum += prices[j]!;
      expect(Math.abs(out[i]! / (sum / 50) - 1)).toBeLessThan(1e-10);
    }
  });
});

describe("ema", () => {
  it("is seeded with the SMA of the first `period` values, then alpha = 2/(period+1)", () => {
    // period 3: alpha = 0.5; seed (10+11+10.5)/3 = 10.5; 0.5*12 + 0.5*10.5 = 11.25; 0.5*11.5 + 0.5*11.25 = 11.375
    expectSeries(ema([10, 11, 10.5, 12, 11.5], 3), [NaN, NaN, 10.5, 11.25, 11.375]);
  });

  it("of a straight line with alpha 0.5 lags it by one bar", () => {
    // seed (1+2+3)/3 = 2; 0.5*4 + 0.5*2 = 3; 0.5*5 + 0.5*3 = 4; 0.5*6 + 0.5*4 = 5
    expectSeries(ema([1, 2, 3, 4, 5, 6], 3), [NaN, NaN, 2, 3, 4, 5]);
  });

  it("is all NaN when there are fewer values than the period", () => {
    expectSeries(ema([1, 2], 3), [NaN, NaN]);
  });
});

describe("rsi (Wilder)", () => {
  it("matches the classic 14-period worked example", () => {
    // python3: changes d = diff(WILDER); avgGain = sum(max(d,0) for first 14)/14 = 0.238571428571...,
    // avgLoss = 0.1; RSI = 100 - 100/(1 + 0.2385714/0.1) = 70.46413502109705; then
    // avg = (avg*13 + today)/14 gives 66.24961855355505, 66.48094183471265, 69.34685316290866,
    // 66.29471265892624, 57.91502067008556.
    const expected = [...Array<number>(14).fill(NaN), 70.46413502109705, 66.24961855355505, 66.48094183471265, 69.34685316290866, 66.29471265892624, 57.91502067008556];
    expectSeries(rsi(WILDER, 14), expected, 10);
  });

  it("smooths small series by hand", () => {
    // closes 10, 11, 10.5, 12, 11.5, 11.5; changes +1, -0.5, +1.5, -0.5, 0
    // seed: gain (1+1.5)/3 = 0.8333, loss 0.5/3 = 0.1667 -> 100 - 100/(1+5) = 83.3333
    // i=4: gain (0.8333*2+0)/3 = 0.5556, loss (0.1667*2+0.5)/3 = 0.2778 -> RS 2 -> 66.6667
    // i=5: gain 0.5556*2/3 = 0.3704, loss 0.2778*2/3 = 0.1852 -> RS 2 -> 66.6667
    expectSeries(rsi([10, 11, 10.5, 12, 11.5, 11.5], 3), [NaN, NaN, NaN, 83.33333333333334, 66.66666666666667, 66.66666666666667]);
  });

  it("is 100 with no losses and 50 with no moves at all", () => {
    expectSeries(rsi([1, 2, 3, 4], 2), [NaN, NaN, 100, 100]);
    expectSeries(rsi([5, 5, 5, 5], 2), [NaN, NaN, 50, 50]);
    // only losses: gain 0 -> RS 0 -> 0
    expectSeries(rsi([4, 3, 2], 2), [NaN, NaN, 0]);
  });

  it("needs period + 1 values", () => {
    expectSeries(rsi([1, 2, 3], 3), [NaN, NaN, NaN]);
  });

  it("turns NaN after a missing value instead of treating it as no move", () => {
    const out = rsi([1, 2, NaN, 4, 5], 2);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });
});

describe("rateOfChange", () => {
  it("is values[i] / values[i - period] - 1, as a fraction", () => {
    // 10.5/10 - 1 = 0.05; 12/11 - 1 = 0.0909...; 11.5/10.5 - 1 = 0.0952...
    expectSeries(rateOfChange([10, 11, 10.5, 12, 11.5], 2), [NaN, NaN, 0.05, 0.09090909090909083, 0.09523809523809534], 14);
  });

  it("is all NaN when the series is not longer than the period", () => {
    expectSeries(rateOfChange([1, 2], 2), [NaN, NaN]);
  });
});

describe("rollingVolatility", () => {
  it("is the sample standard deviation of the last `period` simple returns", () => {
    // closes 100, 102, 99, 101, 104, 103; returns 0.02, -0.0294118, 0.0202020, 0.0297030, -0.0096154
    // python3 statistics.stdev of each 3-return window:
    //   [0.02, -0.0294118, 0.0202020] = 0.02858639232338561
    //   [-0.0294118, 0.0202020, 0.0297030] = 0.03174467829432201
    //   [0.0202020, 0.0297030, -0.0096154] = 0.020515354882670308
    expectSeries(rollingVolatility([100, 102, 99, 101, 104, 103], 3), [NaN, NaN, NaN, 0.02858639232338561, 0.03174467829432201, 0.020515354882670308], 14);
  });

  it("is 0 for a steady trend (every return equal)", () => {
    // returns 1, 1, 1 (each price doubles): deviation 0
    expectSeries(rollingVolatility([1, 2, 4, 8], 2), [NaN, NaN, 0, 0]);
  });

  it("needs period + 1 prices", () => {
    expectSeries(rollingVolatility([1, 2, 3], 3), [NaN, NaN, NaN]);
  });

  it("refuses period 1: one return has no sample deviation", () => {
    expect(() => rollingVolatility([1, 2, 3], 1)).toThrow(/rollingVolatility: period must be an integer >= 2, got 1/);
  });
});

describe("periods", () => {
  const indicators = { sma, ema, rsi, rateOfChange, rollingVolatility };
  for (const [name, indicator] of Object.entries(indicators)) {
    it(`${name} throws a RangeError naming the period for 0, negatives, fractions, NaN and Infinity`, () => {
      for (const period of [0, -3, 2.5, NaN, Infinity]) {
        expect(() => indicator([1, 2, 3, 4], period)).toThrow(RangeError);
        expect(() => indicator([1, 2, 3, 4], period)).toThrow(new RegExp(`^${name}: period must be`));
      }
    });
  }
});

describe("last", () => {
  it("is the final value, or NaN for an empty series", () => {
    expect(last(Float64Array.of(1, 2, 3))).toBe(3);
    expect(last([7])).toBe(7);
    expect(last([])).toBeNaN();
  });

  it("of each indicator never depends on values after it (no look-ahead)", () => {
    // Changing only the future must leave every earlier output bit-identical.
    const past = WILDER.slice(0, 15);
    const futureA = [...past, 1, 2, 3];
    const futureB = [...past, 900, 0.1, 50];
    for (const compute of [(v: number[]) => sma(v, 5), (v: number[]) => ema(v, 5), (v: number[]) => rsi(v, 5), (v: number[]) => rateOfChange(v, 5), (v: number[]) => rollingVolatility(v, 5)]) {
      expect(Array.from(compute(futureA).subarray(0, 15))).toEqual(Array.from(compute(futureB).subarray(0, 15)));
      expect(last(compute(past))).toBe(compute(futureA)[14]);
    }
  });
});
