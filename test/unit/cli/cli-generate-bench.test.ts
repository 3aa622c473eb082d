// `aibt generate` (seeded synthetic data) and `aibt bench`, through the built CLI.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { backtestJson, expectSaneSummary, runCli, runOk, tempDir } from "./cli-helpers";

const tmp = tempDir("generate");
afterAll(() => tmp.cleanup());

describe("aibt generate", () => {
  const args = ["generate", "--symbols", "SYNA,SYNB", "--bars", "300", "--seed", "7"];

  it("writes a normalized CSV; the same seed gives byte-identical files; a backtest runs on it", () => {
    const first = tmp.file("syn.csv");
    const second = tmp.file("syn-again.csv");
    expect(runOk([...args, "--out", first])).toBe(`wrote 2 synthetic series x 300 bars to ${first}\n`);
    runOk([...args, "--out", second]);

    const bytes = readFileSync(first);
    expect(bytes.equals(readFileSync(second))).toBe(true);
    // No temp files left beside the output.
    expect(readdirSync(tmp.dir).sort()).toEqual(["syn-again.csv", "syn.csv"]);

    const lines = bytes.toString("utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("symbol,timestamp,open,high,low,close,volume");
    expect(lines.length).toBe(1 + 600);
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.filter((r) => r[0] === "SYNA").length).toBe(300);
    expect(rows.filter((r) => r[0] === "SYNB").length).toBe(300);
    expect(rows[0]![1]).toBe("2020-01-02T09:30:00-05:00");
    for (const [, , o, h, l, c, v] of rows) {
      const [open, high, low, close, volume] = [o, h, l, c, v].map(Number) as [number, number, number, number, number];
      expect(low).toBeGreaterThan(0);
      expect(high).toBeGreaterThanOrEqual(Math.max(open, close));
      expect(low).toBeLessThanOrEqual(Math.min(open, close));
      expect(volume).toBeGreaterThanOrEqual(0);
    }

    const s = backtestJson(["--data", first, "--symbol", "SYNA"]);
    expectSaneSummary(s);
    expect(s).toMatchObject({ symbol: "SYNA", bars: 300, from: "2020-01-02", periodsPerYear: 252 });
    expect(s.source).toBe(first);
  });

  it("without --out prints the same CSV to stdout; another seed gives other data", () => {
    const file = tmp.file("syn.csv");
    runOk([...args, "--out", file]);
    expect(runOk(args)).toBe(readFileSync(file, "utf8"));
    const other = runOk(["generate", "--symbols", "SYNA,SYNB", "--bars", "300", "--seed", "8"]);
    expect(other).not.toBe(readFileSync(file, "utf8"));
    expect(other.split("\n").length).toBe(readFileSync(file, "utf8").split("\n").length);
  });

  it("minute bars: --interval 1 stamps 390 bars a session from 09:30", () => {
    const text = runOk(["generate", "--symbols", "SYNA", "--bars", "390", "--interval", "1", "--seed", "3"]);
    const rows = text.trimEnd().split("\n").slice(1);
    expect(rows.length).toBe(390);
    expect(rows[0]).toMatch(/^SYNA,2020-01-02T09:30:00-05:00,/);
    expect(rows[389]).toMatch(/^SYNA,2020-01-02T15:59:00-05:00,/);
  });
});

describe("aibt bench", () => {
  it("--json reports both speeds, their ratio and identical results (no timing asserted)", () => {
    const result = runCli(["bench", "--json", "--bars", "20000", "--repetitions", "1"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    for (const key of ["engineBarsPerSec", "referenceBarsPerSec", "ratio"]) {
      expect(typeof report[key], key).toBe("number");
      expect(report[key] as number, key).toBeGreaterThan(0);
      expect(Number.isFinite(report[key] as number), key).toBe(true);
    }
    expect(report.ratio as number).toBeCloseTo((report.engineBarsPerSec as number) / (report.referenceBarsPerSec as number), 9);
    expect(report.identical).toBe(true);
    expect(report.bars).toBe(20_000);
    expect(report.repetitions).toBe(1);
    const run = report.result as { fills: number; roundTrips: number; finalEquity: number };
    expect(run.fills).toBeGreaterThan(0);
    expect([2 * run.roundTrips, 2 * run.roundTrips + 1]).toContain(run.fills);
    expect(run.finalEquity).toBeGreaterThan(0);
  });
});
