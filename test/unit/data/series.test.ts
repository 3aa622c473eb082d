import { describe, expect, it } from "vitest";
import { parseMarketTime } from "../../../src/data/calendar";
import type { BarFields } from "../../../src/data/series";
import { BarSeriesBuilder, seriesFromBars, sliceByDay } from "../../../src/data/series";
import { instrumentOf } from "../../../src/data/symbols";
import { InputError } from "../../../src/errors";

const AT = { file: "bars.csv", line: 7 };

function dailyBar(date: string, prices: Partial<BarFields> = {}): BarFields {
  const stamp = parseMarketTime(date)!;
  return { time: stamp.time, day: stamp.day, minute: stamp.minute, open: 10, high: 12, low: 9, close: 11, volume: 100, ...prices };
}

function pushError(bars: BarFields[]): InputError {
  const builder = new BarSeriesBuilder(instrumentOf("AAPL"));
  try {
    bars.forEach((bar) => builder.push(bar, AT));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

describe("BarSeriesBuilder validation", () => {
  it.each([
    ["a NaN open", { open: NaN }, "open", "open is not a number"],
    ["an infinite close", { close: Infinity }, "close", "close is not a number"],
    ["a zero low", { low: 0 }, "low", "low is 0, but prices must be positive"],
    ["a negative close", { close: -11 }, "close", "close is -11, but prices must be positive"],
    ["a negative volume", { volume: -1 }, "volume", "volume is -1"],
    ["a NaN volume", { volume: NaN }, "volume", "volume is NaN"],
    ["high below low", { high: 8, low: 9, open: 8.5, close: 8.5 }, "high", "high 8 is below low 9"],
    ["an open above the high", { open: 13 }, "high", "open/close (13/11) lie outside low-high (9-12)"],
    ["a close below the low", { close: 8 }, "low", "open/close (10/8) lie outside low-high (9-12)"],
  ])("rejects %s", (_name, prices, field, problem) => {
    const error = pushError([dailyBar("2013-10-07", prices)]);
    expect(error.where).toEqual({ ...AT, field });
    expect(error.problem).toBe(problem);
    expect(error.message).toContain(`bars.csv, line 7, field "${field}"`);
  });

  it("rejects a duplicate timestamp", () => {
    const error = pushError([dailyBar("2013-10-07"), dailyBar("2013-10-07")]);
    expect(error.problem).toBe("duplicate timestamp for AAPL");
    expect(error.where).toEqual({ ...AT, field: "timestamp" });
  });

  it("rejects a descending timestamp", () => {
    const error = pushError([dailyBar("2013-10-08"), dailyBar("2013-10-07")]);
    expect(error.problem).toBe("timestamps of AAPL are not in ascending order");
    expect(error.message).toContain('bars.csv, line 7, field "timestamp"');
  });

  it("accepts a bar whose open and close touch the range", () => {
    const builder = new BarSeriesBuilder(instrumentOf("AAPL"));
    builder.push(dailyBar("2013-10-07", { open: 12, close: 9 }), AT);
    expect(builder.length).toBe(1);
  });

  it("names the source in seriesFromBars errors", () => {
    expect(() => seriesFromBars("AAPL", [dailyBar("2013-10-07"), dailyBar("2013-10-08", { high: 1 })], "hand-made")).toThrow(
      /^hand-made, line 2, field "high"/,
    );
  });
});

describe("BarSeriesBuilder storage", () => {
  it("grows beyond its initial capacity and keeps every bar", () => {
    const builder = new BarSeriesBuilder(instrumentOf("eth-usd"), 16);
    const start = Date.UTC(2024, 0, 2, 14, 30);
    for (let i = 0; i < 1000; i++) {
      builder.push({ time: start + i * 60_000, day: 20240102, minute: 570 + i, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: i }, AT);
    }
    const series = builder.build();
    expect(series.instrument.symbol).toBe("ETH/USD");
    expect(series.length).toBe(1000);
    expect(series.time.length).toBe(1000);
    expect(series.open[0]).toBe(100);
    expect(series.close[999]).toBe(1099.5);
    expect(series.time[999]).toBe(start + 999 * 60_000);
    expect(series.minute[16]).toBe(586);
    expect(series.volume[500]).toBe(500);
  });
});

describe("sliceByDay", () => {
  const series = seriesFromBars(
    "AAPL",
    ["2013-10-04", "2013-10-07", "2013-10-08", "2013-10-09", "2013-10-10"].map((date, i) => dailyBar(date, { close: 10 + i / 10 })),
  );

  it("keeps the days in [from, to], inclusive", () => {
    const slice = sliceByDay(series, 20131007, 20131009);
    expect(slice.length).toBe(3);
    expect([...slice.day]).toEqual([20131007, 20131008, 20131009]);
    expect([...slice.close]).toEqual([10.1, 10.2, 10.3]);
  });

  it("handles bounds that fall between trading days", () => {
    expect([...sliceByDay(series, 20131005, 20131007).day]).toEqual([20131007]);
    expect([...sliceByDay(series, 20131011).day]).toEqual([]);
    expect(sliceByDay(series, 0, 20131003).length).toBe(0);
  });

  it("returns the series itself when nothing is cut", () => {
    expect(sliceByDay(series)).toBe(series);
    expect(sliceByDay(series, 20131004, 20131010)).toBe(series);
  });
});
