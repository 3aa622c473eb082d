import { describe, expect, it } from "vitest";
import { sharedData } from "../../shared-data";
import { backtestJson, expectInputError, runCli } from "./cli-helpers";

const RTH = () => sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");

describe("aibt replay", () => {
  it("replays SPY's regular session with the backtest's JSON fields plus the session's", () => {
    const run = runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--fast", "5", "--slow", "20", "--no-record", "--json"]);
    expect(run.stderr).toBe("");
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ bars: 390, date: "2013-10-07", session: "regular", barMinutes: 1, periodsPerYear: 98280 });
    for (const field of ["fills", "roundTrips", "finalEquity", "totalReturn", "sharpe", "sortino", "maxDrawdown", "cagr", "winRate", "exposure", "trades"]) expect(json).toHaveProperty(field);
    expect(json.trades).toBe(json.roundTrips);
  });

  it("takes wider bars, other sessions, risk limits and the opening-range strategy", () => {
    const five = JSON.parse(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--bar", "5m", "--no-record", "--json"]).stdout);
    expect(five.bars).toBe(78);
    const orb = runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--strategy", "opening-range", "--range-bars", "30", "--reward-risk", "1.5", "--max-trades-per-day", "3", "--no-record"]);
    expect(orb.status).toBe(0);
    expect(orb.stdout).toMatch(/opening-range on SPY .* 390 bars/);
    expect(backtestJson(["--data", RTH(), "--symbol", "SPY", "--from", "2013-10-07", "--to", "2013-10-07", "--no-record"]).bars).toBe(390);
  });

  it("refuses what it cannot replay, in one line", () => {
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY"]), ["--date is required"]);
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-12", "--no-record"]), ["no bars on 2013-10-12"]);
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--session", "after", "--no-record"]), ["no bars in the after session"]);
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--bar", "7m", "--no-record"]), ["--bar must be one of"]);
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--every", "5", "--no-record"]), ["cadence applies to LLM models"]);
    expectInputError(runCli(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-07", "--daily-loss-cap", "2", "--no-record"]), ["--daily-loss-cap must be at most 1"]);
  });
});
