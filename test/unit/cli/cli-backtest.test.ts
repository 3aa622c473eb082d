// `aibt backtest` on the shipped sample and on real data files, through the built CLI.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, sharedData } from "../../shared-data";
import { backtestJson, expectSaneSummary, runCli, runOk } from "./cli-helpers";
import type { BacktestJson } from "./cli-helpers";

const YAHOO = "normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv";
const NDX_H1 = "normalized/daily_ndx100_aitrader_3b7dad6_2025-01-02_2025-06-27_adjusted.csv";
const MINUTES = "normalized/intraday_1min_lean_algoseek_rth.csv";
const JSONL = "aitrader/merged_daily_a0a1c85.jsonl";

/** The shipped sample, read independently of the engine: date,open,high,low,close,adjclose,volume. */
function sampleRows(): { date: string; open: number; close: number }[] {
  const lines = readFileSync(path.join(repoRoot, "dist/data/sp500-2000.csv"), "utf8").trim().split("\n");
  const header = lines[0]!.split(",");
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return { date: cells[col("date")]!, open: Number(cells[col("open")]), close: Number(cells[col("close")]) };
  });
}

/** One symbol's closes from a normalized CSV (symbol,timestamp,open,high,low,close,volume). */
function normalizedCloses(file: string, symbol: string): { day: string; close: number }[] {
  const out: { day: string; close: number }[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith(`${symbol},`)) continue;
    const cells = line.split(",");
    out.push({ day: cells[1]!.slice(0, 10), close: Number(cells[5]) });
  }
  return out;
}

describe("aibt backtest on the shipped sample (SPX 2000-2020)", () => {
  let text: string;
  let base: BacktestJson;
  let closeFill: BacktestJson;
  let commission: BacktestJson;
  let slippage: BacktestJson;
  let fractional: BacktestJson;
  let hold: BacktestJson;
  let holdFractional: BacktestJson;
  let holdCosts: BacktestJson;
  let rawJson: string;

  beforeAll(() => {
    text = runOk(["backtest"]);
    rawJson = runOk(["backtest", "--json"]);
    base = JSON.parse(rawJson) as BacktestJson;
    closeFill = backtestJson(["--fill", "close"]);
    commission = backtestJson(["--commission", "0.001"]);
    slippage = backtestJson(["--slippage-bps", "5"]);
    fractional = backtestJson(["--fractional"]);
    hold = backtestJson(["--strategy", "buy-and-hold"]);
    holdFractional = backtestJson(["--strategy", "buy-and-hold", "--fractional"]);
    holdCosts = backtestJson(["--strategy", "buy-and-hold", "--commission", "0.001", "--slippage-bps", "5"]);
  });

  it("prints a readable summary naming the strategy, symbol, range and Sharpe", () => {
    const rows = sampleRows();
    expect(text).toMatch(/^sma-cross 10\/50 on SPX \(sp500-2000\.csv\), 2000-01-03 to 2020-04-17, 5,105 bars\n/);
    expect(rows.length).toBe(5105);
    expect(text).toContain("Sharpe");
    expect(text).toMatch(/Sharpe \/ Sortino\s+-?\d+\.\d\d \/ -?\d+\.\d\d/);
    expect(text).not.toMatch(/NaN|undefined/);
    // The summary and the JSON describe the same run.
    const equity = /Final equity\s+\$([\d,]+\.\d\d)/.exec(text)?.[1];
    expect(equity?.replace(/,/g, "")).toBe(base.finalEquity.toFixed(2));
    expect(text).toContain(`${base.fills} fills, ${base.roundTrips} round trips`);
  });

  it("--json prints exactly one JSON object with every metric", () => {
    expect(rawJson.trim().startsWith("{")).toBe(true);
    expect(rawJson.trim().endsWith("}")).toBe(true);
    expectSaneSummary(base);
    expect(base).toMatchObject({ strategy: "sma-cross", symbol: "SPX", from: "2000-01-03", to: "2020-04-17", bars: 5105, initialCash: 100_000, periodsPerYear: 252, benchmark: "SPX", commissionPaid: 0 });
    expect(path.basename(base.source)).toBe("sp500-2000.csv");
    expect(base.fills).toBeGreaterThan(20);
    expect(base.roundTrips).toBeGreaterThan(10);
    expect(typeof base.profitFactor).toBe("number");
  });

  it("the benchmark is buy-and-hold of SPX from the first to the last close", () => {
    const rows = sampleRows();
    expect(base.benchmarkReturn).toBeCloseTo(rows[rows.length - 1]!.close / rows[0]!.close - 1, 9);
  });

  it("--strategy buy-and-hold buys once at the next open and never sells", () => {
    const rows = sampleRows();
    expectSaneSummary(hold);
    expect(hold).toMatchObject({ strategy: "buy-and-hold", fills: 1, roundTrips: 0, bars: 5105 });
    // Whole shares, bought at bar 1's open with all the cash, marked at the last close.
    const price = rows[1]!.open;
    const shares = Math.floor(100_000 / price);
    expect(hold.finalEquity).toBeCloseTo(100_000 - shares * price + shares * rows[rows.length - 1]!.close, 4);
    expect(hold.exposure).toBeCloseTo(5104 / 5105, 9);
  });

  it("--fractional invests the leftover cash (buy-and-hold then tracks the index exactly)", () => {
    expect(holdFractional).toMatchObject({ fills: 1, roundTrips: 0 });
    expect(holdFractional.finalEquity).toBeGreaterThan(hold.finalEquity);
    // In this sample each open is the previous close, so all-in at bar 1's open = the benchmark.
    expect(holdFractional.finalEquity / 100_000 - 1).toBeCloseTo(holdFractional.benchmarkReturn, 9);
    expectSaneSummary(fractional);
    expect(fractional.finalEquity).not.toBe(base.finalEquity);
    expect(fractional.fills).toBe(base.fills);
  });

  it("--commission and --slippage-bps lower final equity against the same run without costs", () => {
    expect(commission.commissionPaid).toBeGreaterThan(0);
    expect(commission.finalEquity).toBeLessThan(base.finalEquity);
    expect(slippage.commissionPaid).toBe(0);
    expect(slippage.finalEquity).toBeLessThan(base.finalEquity);
    expect(holdCosts.finalEquity).toBeLessThan(hold.finalEquity);
    expect(holdCosts.commissionPaid).toBeGreaterThan(0);
    // One buy of about $100k at 10 bps: about $100 of commission.
    expect(holdCosts.commissionPaid).toBeGreaterThan(90);
    expect(holdCosts.commissionPaid).toBeLessThan(110);
    for (const s of [commission, slippage, holdCosts]) expectSaneSummary(s);
  });

  it("--fill close changes the fills' prices but not the signals", () => {
    expectSaneSummary(closeFill);
    expect(closeFill.fills).toBe(base.fills);
    expect(closeFill.bars).toBe(base.bars);
    expect(closeFill.finalEquity).not.toBe(base.finalEquity);
  });
});

describe("aibt backtest on real data files", () => {
  it("Yahoo NASDAQ-100 panel, --symbol AAPL", () => {
    const file = sharedData(YAHOO);
    const s = backtestJson(["--data", file, "--symbol", "AAPL"]);
    expectSaneSummary(s);
    const closes = normalizedCloses(file, "AAPL");
    expect(s).toMatchObject({ symbol: "AAPL", bars: closes.length, from: "2012-01-03", to: "2022-01-28", periodsPerYear: 252, benchmark: "AAPL" });
    expect(s.source).toBe(file);
    expect(s.benchmarkReturn).toBeCloseTo(closes[closes.length - 1]!.close / closes[0]!.close - 1, 9);
    expect(s.fills).toBeGreaterThan(10);
  });

  it("symbols are matched case-insensitively (--symbol aapl)", () => {
    const s = backtestJson(["--data", sharedData(YAHOO), "--symbol", "aapl", "--from", "2020-01-02", "--to", "2020-12-31"]);
    expect(s).toMatchObject({ symbol: "AAPL", from: "2020-01-02", to: "2020-12-31", bars: 253 });
  });

  it("2025 H1 adjusted set, --symbol QQQ", () => {
    const file = sharedData(NDX_H1);
    const s = backtestJson(["--data", file, "--symbol", "QQQ"]);
    expectSaneSummary(s);
    const closes = normalizedCloses(file, "QQQ");
    expect(closes.length).toBe(121);
    expect(s).toMatchObject({ symbol: "QQQ", bars: 121, from: "2025-01-02", to: "2025-06-27", periodsPerYear: 252 });
    expect(s.benchmarkReturn).toBeCloseTo(closes[120]!.close / closes[0]!.close - 1, 9);
  });

  it("one intraday session of SPY minute bars: 390 bars, annualized at 252 x 390", () => {
    const s = backtestJson(["--data", sharedData(MINUTES), "--symbol", "SPY", "--from", "2013-10-07", "--to", "2013-10-07", "--fast", "5", "--slow", "20"]);
    expectSaneSummary(s);
    expect(s).toMatchObject({ symbol: "SPY", bars: 390, periodsPerYear: 98_280, from: "2013-10-07", to: "2013-10-07" });
    expect(s.roundTrips).toBeGreaterThan(0);
    // A minute-bar day moves SPY well under 5%.
    expect(Math.abs(s.totalReturn)).toBeLessThan(0.05);
  });

  it("Alpha Vantage JSONL (--symbol AAPL), leaving out the masked last date", () => {
    const file = sharedData(JSONL);
    const s = backtestJson(["--data", file, "--symbol", "AAPL"]);
    expectSaneSummary(s);
    // The AAPL line, read independently: days with a close; the last date carries only an open.
    const record = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { "Meta Data": Record<string, string>; "Time Series (Daily)": Record<string, Record<string, string>> })
      .find((r) => r["Meta Data"]["2. Symbol"] === "AAPL")!;
    const series = record["Time Series (Daily)"];
    const days = Object.keys(series).filter((day) => series[day]!["4. sell price"] !== undefined).sort();
    const masked = Object.keys(series).filter((day) => series[day]!["4. sell price"] === undefined);
    expect(masked.length).toBe(1);
    expect(s).toMatchObject({ symbol: "AAPL", bars: days.length, from: days[0], to: days[days.length - 1], periodsPerYear: 252 });
    expect(s.to < masked[0]!).toBe(true);
    const first = Number(series[days[0]!]!["4. sell price"]);
    const last = Number(series[days[days.length - 1]!]!["4. sell price"]);
    expect(s.benchmarkReturn).toBeCloseTo(last / first - 1, 9);
    // And it trades on that data.
    const trading = backtestJson(["--data", file, "--symbol", "AAPL", "--strategy", "buy-and-hold"]);
    expect(trading).toMatchObject({ fills: 1, roundTrips: 0, bars: days.length });
  });

  it("the text summary works on a data file too", () => {
    const result = runCli(["backtest", "--data", sharedData(NDX_H1), "--symbol", "QQQ", "--strategy", "buy-and-hold"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^buy-and-hold on QQQ \(daily_ndx100_aitrader_3b7dad6_2025-01-02_2025-06-27_adjusted\.csv\), 2025-01-02 to 2025-06-27, 121 bars\n/);
    expect(result.stdout).toContain("Sharpe");
  });
});
