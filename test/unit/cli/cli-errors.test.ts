// User mistakes: exit code 1, one "aibt: ..." line on stderr naming the problem, no stack, no output.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedData } from "../../shared-data";
import { expectInputError, runCli, tempDir } from "./cli-helpers";

const HEADER = "symbol,timestamp,open,high,low,close,volume";
const GOOD_ROW = "X,2020-01-02,1,2,0.5,1.5,100";
const tmp = tempDir("errors");
afterAll(() => tmp.cleanup());

const csv = (name: string, ...rows: string[]) => tmp.file(name, `${[HEADER, ...rows].join("\n")}\n`);
const yahoo = () => sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv");

describe("aibt backtest: bad data files", () => {
  it("missing --data file", () => {
    const missing = path.join(tmp.dir, "no-such-file.csv");
    expectInputError(runCli(["backtest", "--data", missing]), ["not found", missing, "--data"]);
  });

  it("a CSV with unknown columns", () => {
    const file = tmp.file("unknown-columns.csv", "foo,bar,baz\n1,2,3\n");
    expectInputError(runCli(["backtest", "--data", file]), ["unknown-columns.csv", "no column for", "foo, bar, baz", "--columns"]);
  });

  it("unsorted timestamps", () => {
    const file = csv("unsorted.csv", "X,2020-01-03,1,2,0.5,1.5,100", GOOD_ROW);
    expectInputError(runCli(["backtest", "--data", file]), ["unsorted.csv", "line 3", "ascending order", "sort"]);
  });

  it("duplicate timestamps", () => {
    const file = csv("duplicate.csv", GOOD_ROW, GOOD_ROW);
    expectInputError(runCli(["backtest", "--data", file]), ["duplicate.csv", "line 3", "duplicate timestamp"]);
  });

  it("a NaN price", () => {
    const file = csv("nan.csv", GOOD_ROW, "X,2020-01-03,1,2,0.5,NaN,100");
    expectInputError(runCli(["backtest", "--data", file]), ["nan.csv", "line 3", "close", "not a number"]);
  });

  it("a non-positive price", () => {
    const file = csv("zero.csv", GOOD_ROW, "X,2020-01-03,0,2,0.5,1.5,100");
    expectInputError(runCli(["backtest", "--data", file]), ["zero.csv", "line 3", "open", "positive"]);
    const negative = csv("negative.csv", GOOD_ROW, "X,2020-01-03,1,2,0.5,-1.5,100");
    expectInputError(runCli(["backtest", "--data", negative]), ["negative.csv", "line 3", "close", "positive"]);
  });

  it("high below low", () => {
    const file = csv("high-low.csv", GOOD_ROW, "X,2020-01-03,1,0.4,0.5,0.45,100");
    expectInputError(runCli(["backtest", "--data", file]), ["high-low.csv", "line 3", "high 0.4 is below low 0.5"]);
  });

  it("a file with only a header", () => {
    const file = csv("header-only.csv");
    expectInputError(runCli(["backtest", "--data", file]), ["header-only.csv", "no bars"]);
  });

  it("a folder instead of a file", () => {
    expectInputError(runCli(["backtest", "--data", tmp.dir]), ["folder", "--data"]);
  });
});

describe("aibt backtest: bad symbols, parameters and dates", () => {
  it("unknown --symbol, with suggestions from the file", () => {
    expectInputError(runCli(["backtest", "--data", yahoo(), "--symbol", "AAPLX"]), ["unknown symbol AAPLX", "69 symbols", "AAPL"]);
  });

  it("a multi-symbol file without --symbol", () => {
    expectInputError(runCli(["backtest", "--data", yahoo()]), ["69 symbols", "--symbol"]);
  });

  it("an unknown --benchmark", () => {
    expectInputError(runCli(["backtest", "--benchmark", "NOPE"]), ["unknown symbol NOPE", "benchmark", "SPX"]);
  });

  it("--fast not shorter than --slow", () => {
    expectInputError(runCli(["backtest", "--fast", "50", "--slow", "10"]), ["fast (50) must be shorter than slow (10)"]);
    expectInputError(runCli(["backtest", "--fast", "20", "--slow", "20"]), ["fast (20) must be shorter than slow (20)"]);
  });

  it("non-numeric and out-of-range windows", () => {
    expectInputError(runCli(["backtest", "--fast", "abc"]), ["--fast", "whole number", '"abc"']);
    expectInputError(runCli(["backtest", "--fast", "1.5"]), ["--fast", "whole number"]);
    expectInputError(runCli(["backtest", "--fast", "0"]), ["--fast", "at least 1"]);
  });

  it("--cash must be positive", () => {
    expectInputError(runCli(["backtest", "--cash=-5"]), ["--cash", "greater than 0", "-5"]);
    expectInputError(runCli(["backtest", "--cash", "0"]), ["--cash", "greater than 0"]);
    expectInputError(runCli(["backtest", "--cash", "lots"]), ["--cash", "a number", '"lots"']);
  });

  it("--cash -5 (value that looks like a flag) is still one line", () => {
    expectInputError(runCli(["backtest", "--cash", "-5"]), ["--cash", "--cash=-"]);
  });

  it("cost limits", () => {
    expectInputError(runCli(["backtest", "--commission", "2"]), ["--commission", "at most 0.5"]);
    expectInputError(runCli(["backtest", "--slippage-bps=-1"]), ["--slippage-bps", "at least 0"]);
  });

  it("--from with no bars in range", () => {
    expectInputError(runCli(["backtest", "--from", "2030-01-01"]), ["SPX has no bars between 2030-01-01", "2000-01-03 to 2020-04-17"]);
  });

  it("--from that is not a date", () => {
    expectInputError(runCli(["backtest", "--from", "2015-13-45"]), ['--from "2015-13-45" is not a date', "YYYY-MM-DD"]);
    expectInputError(runCli(["backtest", "--to", "2015-02-30"]), ['--to "2015-02-30" is not a date']);
  });

  it("--from after --to", () => {
    expectInputError(runCli(["backtest", "--from", "2016-01-01", "--to", "2015-01-01"]), ["--from 2016-01-01 is after --to 2015-01-01"]);
  });

  it("--strategy and --fill outside their choices", () => {
    expectInputError(runCli(["backtest", "--strategy", "nope"]), ["--strategy", "sma-cross, buy-and-hold", '"nope"']);
    expectInputError(runCli(["backtest", "--fill", "sometimes"]), ["--fill", "next-open, close", '"sometimes"']);
    expectInputError(runCli(["backtest", "--format", "xml"]), ["--format", '"xml"']);
  });
});

describe("aibt: bad flags and commands", () => {
  it("unknown flag --bogus names the flag and points at the help", () => {
    const result = runCli(["backtest", "--bogus"]);
    expectInputError(result, ["unknown option --bogus", "aibt backtest --help"]);
    // node's own advice (pass it after "--" as a positional) does not apply: aibt takes no positionals.
    expect(result.stderr).not.toContain("positional");
    expectInputError(runCli(["bench", "-x"]), ["unknown option -x", "aibt bench --help"]);
  });

  it("a stray positional argument", () => {
    expectInputError(runCli(["backtest", "--json", "extra"]), ['unexpected argument "extra"']);
  });

  it("a flag missing its value", () => {
    expectInputError(runCli(["backtest", "--symbol"]), ["--symbol", "missing"]);
  });

  it("unknown command", () => {
    expectInputError(runCli(["frobnicate"]), ['unknown command "frobnicate"', "Commands: backtest, bars, bench", "aibt help"]);
  });

  it("bench limits", () => {
    expectInputError(runCli(["bench", "--bars", "10"]), ["--bars", "at least 1000"]);
  });
});

describe("aibt generate: bad input writes nothing", () => {
  const fails = (name: string, flags: string[], keywords: string[]) =>
    it(name, () => {
      const dir = path.join(tmp.dir, `gen-${name.replace(/\W+/g, "-")}`);
      mkdirSync(dir);
      const out = path.join(dir, "out.csv");
      expectInputError(runCli(["generate", ...flags, "--out", out]), keywords);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual([]); // no temp file left either
    });

  fails("--interval 7", ["--interval", "7"], ["--interval", "daily, 1, 5, 15", '"7"']);
  fails("--bars 0", ["--bars", "0"], ["--bars", "at least 1"]);
  fails("--seed abc", ["--seed", "abc"], ["--seed", "whole number"]);
  fails("--symbols empty", ["--symbols", ","], ["--symbols is empty"]);
  fails("--start not a date", ["--start", "garbage"], ['start "garbage" is not a date']);
  fails("unknown flag", ["--bogus"], ["unknown option --bogus"]);

  it("--out in a folder that does not exist", () => {
    const out = path.join(tmp.dir, "no-such-folder", "out.csv");
    expectInputError(runCli(["generate", "--bars", "2", "--out", out]), ["cannot write", "no-such-folder", "folder exists"]);
    expect(existsSync(path.dirname(out))).toBe(false);
  });
});

describe("writing generated data", () => {
  it("refuses an --out that is a folder, with a clear message", () => {
    expectInputError(runCli(["generate", "--bars", "2", "--out", tmp.dir]), ["folder"]);
  });

  it("refuses an --out inside a file, without a stack from the cleanup", () => {
    const file = tmp.file("plain-file.txt", "x\n");
    expectInputError(runCli(["generate", "--bars", "2", "--out", path.join(file, "x.csv")]), ["cannot write"]);
  });

  it("refuses an impossible --start date instead of rolling it over", () => {
    expectInputError(runCli(["generate", "--bars", "2", "--start", "2020-99-99"]), ["not a date"]);
  });
});

describe("flags that need another flag", () => {
  it("--format and --columns without --data are refused, not ignored", () => {
    expectInputError(runCli(["backtest", "--format", "csv"]), ["--format applies to a --data file"]);
    expectInputError(runCli(["backtest", "--columns", "close=Close"]), ["--columns applies to a --data file"]);
  });

  it("help for a command that does not exist says so", () => {
    expectInputError(runCli(["help", "frobnicate"]), ['no command "frobnicate"']);
  });

  it("an empty --symbol is refused with the flag named", () => {
    expectInputError(runCli(["backtest", "--symbol", ""]), ["--symbol is empty"]);
  });

  it("an absurd --cash is refused before it overflows the arithmetic", () => {
    expectInputError(runCli(["backtest", "--cash", "1e308"]), ["--cash must be at most"]);
  });
});
