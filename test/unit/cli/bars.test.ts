// `aibt bars`, through the built CLI: real IBM ticks into a normalized CSV that `aibt backtest` runs on,
// and every bad input as one line, exit 1, nothing written.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { aggregateTicks } from "../../../src/data/aggregate";
import { formatMarketTime } from "../../../src/data/calendar";
import { readTickFile } from "../../../src/data/ticks";
import { sharedData } from "../../shared-data";
import { backtestJson, expectInputError, runCli, runOk, tempDir } from "./cli-helpers";

const IBM_TICKS = sharedData("normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv");
const HEADER = "symbol,timestamp,price,size,exchange,sale_condition,suspicious";
const tmp = tempDir("bars");
afterAll(() => tmp.cleanup());

describe("aibt bars on the real IBM ticks", () => {
  const filter = ["--exclude-conditions", "4000000,1000000"];

  it("writes 1-minute bars atomically; `aibt backtest` accepts the file", () => {
    const out = tmp.file("ibm-1m.csv");
    const message = runOk(["bars", "--ticks", IBM_TICKS, "--bar", "1m", ...filter, "--out", out]);
    expect(message).toBe(`wrote 2,155 1-minute bars of IBM (2013-10-07 to 2013-10-11) from 126,395 trades, 15 dropped by the filters to ${out}\n`);
    expect(readdirSync(tmp.dir)).toEqual(["ibm-1m.csv"]);

    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("symbol,timestamp,open,high,low,close,volume");
    expect(lines.length).toBe(1 + 2155);
    expect(lines[1]).toBe("IBM,2013-10-07T04:00:00-04:00,181.52,181.8,181.52,181.8,1283");
    // The same bars as the library makes.
    const bars = aggregateTicks(readTickFile(IBM_TICKS), { barMinutes: 1, excludeConditions: ["4000000", "1000000"] });
    for (let i = 0; i < bars.length; i++) {
      const expected = `IBM,${formatMarketTime(bars.time[i]!)},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`;
      if (lines[i + 1] !== expected) throw new Error(`row ${i + 1}: ${lines[i + 1]} != ${expected}`);
    }

    const summary = backtestJson(["--data", out, "--symbol", "IBM", "--from", "2013-10-07", "--to", "2013-10-07", "--no-record"]);
    expect(summary).toMatchObject({ status: "completed", symbol: "IBM", from: "2013-10-07", to: "2013-10-07", bars: 453 });
    expect(summary.source).toBe(out);
  });

  it("without --out prints the CSV; 5- and 15-minute bars; --symbol in another spelling", () => {
    const five = runOk(["bars", "--ticks", IBM_TICKS, "--bar", "5m", "--symbol", "ibm"]);
    const rows = five.trimEnd().split("\n");
    expect(rows[0]).toBe("symbol,timestamp,open,high,low,close,volume");
    expect(rows[1]).toMatch(/^IBM,2013-10-07T04:00:00-04:00,/);
    for (const row of rows.slice(1)) expect(Number(row.slice(18, 20)) % 5, row).toBe(0);
    const fifteen = runOk(["bars", "--ticks", IBM_TICKS, "--bar", "15m"]).trimEnd().split("\n");
    expect(fifteen.length).toBeLessThan(rows.length);
    const volume = (lines: string[]) => lines.slice(1).reduce((sum, line) => sum + Number(line.split(",")[6]), 0);
    expect(volume(fifteen)).toBe(volume(rows));
  });
});

describe("aibt bars filters", () => {
  it("--exclude-suspicious drops flagged trades; --exclude-conditions drops exact codes", () => {
    const file = tmp.file(
      "flags.csv",
      `${HEADER}\n` +
        "IBM,2013-10-07T09:30:01.000-04:00,182.5,100,N,1,0\n" +
        "IBM,2013-10-07T09:30:02.000-04:00,190,5000,D,1,1\n" +
        "IBM,2013-10-07T09:30:03.000-04:00,182.4,64,Q,4000000,0\n" +
        "IBM,2013-10-07T09:31:00.000-04:00,182.6,200,N,20000020,0\n",
    );
    const rows = (args: string[]) => runOk(["bars", "--ticks", file, "--bar", "1m", ...args]).trimEnd().split("\n").slice(1);
    expect(rows([])).toEqual(["IBM,2013-10-07T09:30:00-04:00,182.5,190,182.4,182.4,5164", "IBM,2013-10-07T09:31:00-04:00,182.6,182.6,182.6,182.6,200"]);
    expect(rows(["--exclude-suspicious"])).toEqual(["IBM,2013-10-07T09:30:00-04:00,182.5,182.5,182.4,182.4,164", "IBM,2013-10-07T09:31:00-04:00,182.6,182.6,182.6,182.6,200"]);
    expect(rows(["--exclude-suspicious", "--exclude-conditions", " 4000000 , 20000020"])).toEqual(["IBM,2013-10-07T09:30:00-04:00,182.5,182.5,182.5,182.5,100"]);
  });
});

describe("aibt bars: mistakes print one line, exit 1 and write nothing", () => {
  const good = "IBM,2013-10-07T09:30:00.000-04:00,182.5,100,N,1,0";

  function expectRefused(args: string[], keywords: (string | RegExp)[]): void {
    const out = tmp.file("never.csv");
    expectInputError(runCli(["bars", ...args, "--out", out]), keywords);
    expect(existsSync(out)).toBe(false);
    // Without --out: nothing on stdout either (expectInputError checks stdout is empty).
    expectInputError(runCli(["bars", ...args]), keywords);
  }

  it("flags: --ticks and --bar required, bad widths, empty condition list, unknown flags", () => {
    expectRefused(["--bar", "1m"], ["--ticks is required"]);
    expectRefused(["--ticks", IBM_TICKS], ["--bar is required"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "7m"], ["--bar", "7 minutes", "does not fit the hour"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "0m"], ["--bar", "positive whole number"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "2.5m"], ["--bar", "positive whole number"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "5s"], ["--bar", "not a width"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "1m", "--exclude-conditions", ","], ["--exclude-conditions lists no codes"]);
    expectRefused(["--ticks", IBM_TICKS, "--bar", "1m", "--minutes", "5"], ["unknown option --minutes"]);
  });

  it("files: missing, a folder, empty, header only, wrong header", () => {
    expectRefused(["--ticks", tmp.file("nope.csv"), "--bar", "1m"], ["nope.csv", "tick file not found"]);
    expectRefused(["--ticks", tmp.dir, "--bar", "1m"], ["folder"]);
    expectRefused(["--ticks", tmp.file("empty.csv", ""), "--bar", "1m"], ["empty.csv", "the tick file is empty"]);
    expectRefused(["--ticks", tmp.file("header.csv", `${HEADER}\n`), "--bar", "1m"], ["only a header"]);
    const minuteBars = sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");
    expectRefused(["--ticks", minuteBars, "--bar", "1m"], ["line 1", "not a tick CSV header", "symbol,timestamp,open"]);
  });

  it("rows: out of order (names the line and both times), bad price, bad size, bad time", () => {
    const late = tmp.file("late.csv", `${HEADER}\n${good}\nIBM,2013-10-07T09:31:00.000-04:00,182.6,100,N,1,0\nIBM,2013-10-07T09:30:30.000-04:00,182.7,100,N,1,0\n`);
    expectRefused(["--ticks", late, "--bar", "1m"], [
      "late.csv, line 4",
      "out of time order",
      "2013-10-07T09:30:30.000-04:00 comes after 2013-10-07T09:31:00.000-04:00 (line 3)",
    ]);
    const price = tmp.file("price.csv", `${HEADER}\n${good}\nIBM,2013-10-07T09:30:01.000-04:00,-3,100,N,1,0\n`);
    expectRefused(["--ticks", price, "--bar", "1m"], ["price.csv, line 3", 'field "price"', "positive"]);
    const size = tmp.file("size.csv", `${HEADER}\nIBM,2013-10-07T09:30:01.000-04:00,182,-100,N,1,0\n`);
    expectRefused(["--ticks", size, "--bar", "1m"], ["size.csv, line 2", 'field "size"']);
    const time = tmp.file("time.csv", `${HEADER}\n${good}\nIBM,2013-10-07 noon,182,100,N,1,0\n`);
    expectRefused(["--ticks", time, "--bar", "1m"], ["time.csv, line 3", 'field "timestamp"', "not a valid time"]);
  });

  it("symbols and filters: a symbol not in the file, several symbols, everything filtered out", () => {
    expectRefused(["--ticks", IBM_TICKS, "--bar", "1m", "--symbol", "SPY"], ["no ticks of SPY", "the file holds IBM"]);
    const two = tmp.file("two.csv", `${HEADER}\n${good}\nSPY,2013-10-07T09:30:00.000-04:00,168,100,P,1,0\n`);
    expectRefused(["--ticks", two, "--bar", "1m"], ["line 3", "a second symbol, SPY, after IBM", "--symbol"]);
    expect(runOk(["bars", "--ticks", two, "--bar", "1m", "--symbol", "SPY"])).toBe("symbol,timestamp,open,high,low,close,volume\nSPY,2013-10-07T09:30:00-04:00,168,168,168,168,100\n");
    const one = tmp.file("one.csv", `${HEADER}\n${good}\n`);
    expectRefused(["--ticks", one, "--bar", "1m", "--exclude-conditions", "1"], ["no bars: every trade of IBM was dropped (1 by the filters, 0 of size 0)"]);
  });

  it("an existing --out file is left as it was when the input is bad", () => {
    const out = tmp.file("keep.csv", "precious\n");
    const late = tmp.file("late2.csv", `${HEADER}\n${good}\nIBM,2013-10-07T09:29:00.000-04:00,182.6,100,N,1,0\n`);
    expectInputError(runCli(["bars", "--ticks", late, "--bar", "1m", "--out", out]), ["out of time order"]);
    expect(readFileSync(out, "utf8")).toBe("precious\n");
  });
});

describe("aibt bars help", () => {
  it("`aibt bars --help` and `aibt help bars` list the options; the command list names bars", () => {
    const help = runOk(["bars", "--help"]);
    expect(help).toMatch(/^Usage: aibt bars --ticks FILE --bar 1m\|5m\|15m/);
    for (const flag of ["--ticks", "--bar", "--symbol", "--exclude-suspicious", "--exclude-conditions", "--out"]) expect(help).toContain(flag);
    expect(runOk(["help", "bars"])).toBe(help);
    expect(runOk(["help"])).toMatch(/^ {2}bars\s+aggregate trade ticks/m);
  });
});
