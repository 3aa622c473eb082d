import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import { syntheticSeries } from "../../../src/data/synthetic";
import { checkBar } from "../../../src/data/series";

describe("synthetic data", () => {
  it("is the same for the same seed and different for another", () => {
    const a = syntheticSeries({ symbols: ["SYNA", "SYNB"], start: "2021-03-01", bars: 500, interval: "daily", seed: 4 });
    const b = syntheticSeries({ symbols: ["SYNA", "SYNB"], start: "2021-03-01", bars: 500, interval: "daily", seed: 4 });
    const c = syntheticSeries({ symbols: ["SYNA", "SYNB"], start: "2021-03-01", bars: 500, interval: "daily", seed: 5 });
    expect([...b[1]!.close]).toEqual([...a[1]!.close]);
    expect([...c[1]!.close]).not.toEqual([...a[1]!.close]);
  });

  it("makes valid bars on weekdays, minute bars inside the regular session", () => {
    const [minutes] = syntheticSeries({ symbols: ["SYNA"], start: "2021-03-05", bars: 800, interval: 1, seed: 1 });
    for (let i = 0; i < minutes!.length; i++) {
      checkBar(
        { time: minutes!.time[i]!, day: minutes!.day[i]!, minute: minutes!.minute[i]!, open: minutes!.open[i]!, high: minutes!.high[i]!, low: minutes!.low[i]!, close: minutes!.close[i]!, volume: minutes!.volume[i]! },
        { file: "synthetic", line: i + 1 },
      );
      expect(minutes!.minute[i]).toBeGreaterThanOrEqual(570);
      expect(minutes!.minute[i]).toBeLessThan(960);
    }
    // 2021-03-05 is a Friday: 390 bars, then Monday 2021-03-08 (the weekend is skipped).
    expect(minutes!.day[389]).toBe(20210305);
    expect(minutes!.day[390]).toBe(20210308);
    // New York time across the DST change on 2021-03-14: 09:30 is 14:30Z before, 13:30Z after.
    expect(new Date(minutes!.time[0]!).toISOString()).toBe("2021-03-05T14:30:00.000Z");
  });

  it("correlates symbols through a shared market factor", () => {
    const [a, b] = syntheticSeries({ symbols: ["SYNA", "SYNB"], start: "2021-01-04", bars: 2000, interval: "daily", seed: 8 });
    const returns = (s: typeof a) => Array.from({ length: s!.length - 1 }, (_, i) => Math.log(s!.close[i + 1]! / s!.close[i]!));
    const ra = returns(a);
    const rb = returns(b);
    const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
    const ma = mean(ra);
    const mb = mean(rb);
    const cov = mean(ra.map((x, i) => (x - ma) * (rb[i]! - mb)));
    const sd = (x: number[], m: number) => Math.sqrt(mean(x.map((v) => (v - m) ** 2)));
    expect(cov / (sd(ra, ma) * sd(rb, mb))).toBeGreaterThan(0.2);
  });

  it("refuses impossible requests", () => {
    expect(() => syntheticSeries({ symbols: ["X"], start: "2021-01-04", bars: 0, interval: "daily", seed: 1 })).toThrow(InputError);
    expect(() => syntheticSeries({ symbols: ["X"], start: "2021-01-04", bars: 10, interval: 7, seed: 1 })).toThrow(/does not divide/);
    expect(() => syntheticSeries({ symbols: ["X"], start: "2021-02-30", bars: 10, interval: "daily", seed: 1 })).toThrow(/not a date/);
  });
});
