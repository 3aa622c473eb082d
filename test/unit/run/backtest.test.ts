import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import { backtest } from "../../../src/run/backtest";
import { syntheticSeries } from "../../../src/data/synthetic";
import { flatBars } from "../fixtures";

const two = () => syntheticSeries({ symbols: ["SYNA", "SYNB"], start: "2020-01-02", bars: 300, interval: "daily", seed: 2 });

describe("backtest() options", () => {
  it("runs on the shipped sample by default", async () => {
    const result = await backtest();
    expect(result.symbol).toBe("SPX");
    expect(result.from).toBe("2000-01-03");
    expect(result.bars).toBe(5105);
  });

  it("refuses bad options with the field named, before anything runs", async () => {
    await expect(backtest({ cash: -5 })).rejects.toThrow(/cash: cash must be positive/);
    await expect(backtest({ fast: 50, slow: 10 })).rejects.toThrow(/fast \(50\) must be shorter than slow \(10\)/);
    await expect(backtest({ commission: 2 })).rejects.toThrow(InputError);
    await expect(backtest({ fill: "sometimes" as "close" })).rejects.toThrow(/fill/);
    await expect(backtest({ risk: { dailyLossCap: 3 } })).rejects.toThrow(/risk.dailyLossCap/);
    await expect(backtest({ bogus: 1 } as never)).rejects.toThrow(/bogus/);
  });

  it("asks for a symbol when the data holds several, and names unknown ones", async () => {
    await expect(backtest({ data: two() })).rejects.toThrow(/holds 2 symbols \(SYNA, SYNB\).*--symbol/);
    await expect(backtest({ data: two(), symbol: "NOPE" })).rejects.toThrow(/unknown symbol NOPE/);
    const result = await backtest({ data: two(), symbol: "synb" });
    expect(result.symbol).toBe("SYNB");
  });

  it("slices by trading day and refuses empty or inverted ranges", async () => {
    const data = [flatBars("AAA", [1, 2, 3, 4, 5, 6])];
    const result = await backtest({ data, from: "2020-01-02", to: "2020-01-04", strategy: "buy-and-hold" });
    expect([result.from, result.to, result.bars]).toEqual(["2020-01-02", "2020-01-04", 3]);
    await expect(backtest({ data, from: "2021-01-01" })).rejects.toThrow(/no bars between 2021-01-01 and the end \(data covers 2020-01-01 to 2020-01-06\)/);
    await expect(backtest({ data, from: "2020-01-05", to: "2020-01-02" })).rejects.toThrow(/is after/);
    await expect(backtest({ data, from: "Jan 5" })).rejects.toThrow(/not a date/);
  });

  it("measures alpha and beta against a named benchmark", async () => {
    const data = two();
    const self = await backtest({ data, symbol: "SYNA", strategy: "buy-and-hold", fractional: true });
    expect(self.benchmark).toBe("SYNA");
    // Not exactly 1: the position opens at bar 1, so the first return is the benchmark's alone.
    expect(self.beta).toBeCloseTo(1, 2);
    const other = await backtest({ data, symbol: "SYNA", strategy: "buy-and-hold", benchmark: "SYNB" });
    expect(other.benchmark).toBe("SYNB");
    expect(other.benchmarkCurve[0]).toBe(100_000);
    expect(other.benchmarkReturn).toBeCloseTo(data[1]!.close[299]! / data[1]!.close[0]! - 1, 12);
    await expect(backtest({ data, symbol: "SYNA", benchmark: "QQQ" })).rejects.toThrow(/unknown symbol QQQ/);
  });

  it("reports progress and can be cancelled", async () => {
    const controller = new AbortController();
    const [series] = syntheticSeries({ symbols: ["SYNA"], start: "2020-01-02", bars: 20_000, interval: 1, seed: 3 });
    const result = await backtest({ data: [series!], onProgress: (p) => p.step > 5000 && controller.abort() }, controller.signal);
    expect(result.status).toBe("cancelled");
    expect(result.bars).toBeLessThan(20_000);
    expect(result.equityCurve.length).toBe(result.bars);
  });
});

describe("backtest() and a benchmark the data does not have", () => {
  it("refuses it before recording anything", async () => {
    const { workspace } = await import("../store/store-fixtures");
    const { existsSync } = await import("node:fs");
    const path = await import("node:path");
    const ws = workspace();
    await expect(backtest({ workspace: ws, benchmark: "QQQ" })).rejects.toThrow(/unknown symbol QQQ/);
    expect(existsSync(path.join(ws, ".aibt"))).toBe(false);
  });
});
