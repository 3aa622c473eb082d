import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputErrorOf } from "../input-error";
import { formatMarketTime, parseMarketTime } from "../../../src/data/calendar";
import { loadDataFile, parseAlphaVantageJsonl, parseColumnMapping, parseGenericCsv, parseNormalizedCsv } from "../../../src/data/feeds";
import type { BarSeries, DataSet } from "../../../src/data/series";
import { sliceByDay } from "../../../src/data/series";
import { repoRoot, sharedData } from "../../shared-data";

const HEADER = "symbol,timestamp,open,high,low,close,volume";
const tempDir = mkdtempSync(path.join(os.tmpdir(), "aibt-feeds-"));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function tempFile(name: string, content: string): string {
  const file = path.join(tempDir, name);
  writeFileSync(file, content);
  return file;
}


function seriesOf(data: DataSet, symbol: string): BarSeries {
  const series = data.series.find((candidate) => candidate.instrument.symbol === symbol);
  if (!series) throw new Error(`no series for ${symbol}`);
  return series;
}

function timeOf(text: string): number {
  return parseMarketTime(text)!.time;
}

function isAscending(series: BarSeries): boolean {
  for (let i = 1; i < series.length; i++) if (series.time[i]! <= series.time[i - 1]!) return false;
  return true;
}

/** One Alpha Vantage line; `entries` maps a timestamp to its fields (strings, as the files write them). */
function avLine(symbol: string, entries: Record<string, Record<string, string>>, seriesKey = "Time Series (Daily)"): string {
  return JSON.stringify({ "Meta Data": { "2. Symbol": symbol }, [seriesKey]: entries });
}

function avBar(open: string, high: string, low: string, close: string, volume = "1000"): Record<string, string> {
  return { "1. buy price": open, "2. high": high, "3. low": low, "4. sell price": close, "5. volume": volume };
}

describe("normalized CSV, real files", () => {
  it("loads the 10-year NASDAQ-100 daily panel quickly", () => {
    const started = performance.now();
    const data = loadDataFile(sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv"));
    const elapsed = performance.now() - started;
    expect(data.series.length).toBe(69);
    expect(data.series.reduce((sum, series) => sum + series.length, 0)).toBe(164_736);
    const aapl = data.series[0]!;
    expect(aapl.instrument).toEqual({ symbol: "AAPL", assetClass: "stock", fractional: false });
    expect(aapl.day[0]).toBe(20120103);
    expect(aapl.minute[0]).toBe(570);
    expect(aapl.time[0]).toBe(Date.UTC(2012, 0, 3, 14, 30));
    expect([aapl.open[0], aapl.high[0], aapl.low[0], aapl.close[0], aapl.volume[0]]).toEqual([14.621429, 14.732143, 14.607143, 14.686786, 302220800]);
    expect(data.masked).toEqual([]);
    expect(data.series.every(isAscending)).toBe(true);
    // The budget is well under a second; the margin absorbs a loaded CI machine.
    expect(elapsed).toBeLessThan(1500);
  });

  it("keeps the zero-volume glitch bar the data README lists", () => {
    const data = loadDataFile(sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv"));
    const amd = sliceByDay(seriesOf(data, "AMD"), 20150102, 20150102);
    expect(amd.length).toBe(1);
    expect(amd.volume[0]).toBe(0);
  });

  it("loads the SPY 2013-10-07 regular session as 390 minute bars, 09:30 to 15:59", () => {
    const data = loadDataFile(sharedData("normalized/intraday_1min_lean_algoseek_rth.csv"));
    const day = sliceByDay(seriesOf(data, "SPY"), 20131007, 20131007);
    expect(day.length).toBe(390);
    expect(day.minute[0]).toBe(570);
    expect(day.minute[389]).toBe(959);
    expect(formatMarketTime(day.time[0]!)).toBe("2013-10-07T09:30:00-04:00");
    expect(day.time[389]! - day.time[0]!).toBe(389 * 60_000);
  });
});

describe("Alpha Vantage JSONL, real files", () => {
  const daily = loadDataFile(sharedData("aitrader/merged_daily_a0a1c85.jsonl"));

  it("sets the masked last day aside instead of making it a bar", () => {
    expect(daily.series.length).toBe(101);
    expect(daily.masked.length).toBe(101);
    expect(daily.masked[0]).toEqual({ symbol: "AAPL", time: timeOf("2025-10-30"), day: 20251030, open: 271.99 });
    expect(daily.masked.every((bar) => bar.day === 20251030)).toBe(true);
    const aapl = seriesOf(daily, "AAPL");
    expect(aapl.length).toBe(99);
    expect(aapl.day[0]).toBe(20250610);
    expect(aapl.day[aapl.length - 1]).toBe(20251029);
    expect(daily.series.every((series) => series.day[series.length - 1] === 20251029)).toBe(true);
  });

  it("sorts each series by time although the file lists newest first", () => {
    expect(daily.series.every(isAscending)).toBe(true);
  });

  it("matches the normalized CSV of the same data where they overlap", () => {
    const csv = loadDataFile(sharedData("normalized/daily_ndx100_alphavantage_aitrader_2025-06-02_2025-10-30.csv"));
    const fromCsv = sliceByDay(seriesOf(csv, "AAPL"), 20250610, 20251029);
    const fromJsonl = seriesOf(daily, "AAPL");
    expect(fromCsv.length).toBe(fromJsonl.length);
    expect([...fromJsonl.time]).toEqual([...fromCsv.time]);
    expect(fromJsonl.close[0]).toBe(202.67);
    expect(fromCsv.close[0]).toBe(202.67);
    for (const index of [0, 1, 50, 98]) expect(fromJsonl.close[index]).toBe(fromCsv.close[index]);
    expect(fromJsonl.close[98]).toBe(269.7);
    for (const series of daily.series) {
      expect(sliceByDay(seriesOf(csv, series.instrument.symbol), series.day[0], series.day[series.length - 1]).length).toBe(series.length);
    }
  });

  it("loads the hourly file in ascending time, keeping New York wall-clock stamps", () => {
    const hourly = loadDataFile(sharedData("aitrader/merged_hourly_3e2bac2.jsonl"));
    expect(hourly.series.length).toBe(101);
    expect(hourly.series.every(isAscending)).toBe(true);
    const aapl = seriesOf(hourly, "AAPL");
    expect(aapl.length).toBe(173);
    expect(formatMarketTime(aapl.time[0]!)).toBe("2025-10-01T10:00:00-04:00");
    expect(formatMarketTime(aapl.time[aapl.length - 1]!)).toBe("2025-11-10T14:00:00-05:00");
    // The benchmark masks the last hour, not the whole last day.
    expect(hourly.masked[0]).toEqual({ symbol: "AAPL", time: timeOf("2025-11-10 15:00"), day: 20251110, open: 269.53 });
    expect(hourly.masked.length).toBe(101);
  });
});

describe("generic CSV, real file", () => {
  it("loads vega-datasets sp500-2000.csv with the symbol given", () => {
    const data = loadDataFile(path.join(repoRoot, "node_modules/vega-datasets/data/sp500-2000.csv"), { symbol: "SPX" });
    expect(data.series.length).toBe(1);
    const spx = data.series[0]!;
    expect(spx.instrument.symbol).toBe("SPX");
    // 5105 rows: the file has no final newline, so `wc -l` reports one line fewer.
    expect(spx.length).toBe(5105);
    expect(spx.day[0]).toBe(20000103);
    expect([spx.open[0], spx.high[0], spx.low[0], spx.close[0], spx.volume[0]]).toEqual([1469.25, 1478, 1438.359985, 1455.219971, 931800000]);
    expect(spx.day[spx.length - 1]).toBe(20200417);
    expect(spx.close[spx.length - 1]).toBe(2874.560059);
  });

  it("names the series after the file when no symbol is given", () => {
    const data = loadDataFile(path.join(repoRoot, "node_modules/vega-datasets/data/sp500-2000.csv"));
    expect(data.series[0]!.instrument.symbol).toBe("SP500-2000");
  });
});

describe("parseNormalizedCsv", () => {
  it("tolerates a BOM, CRLF, an upper-case header and trailing blank lines", () => {
    const text = `\uFEFFSYMBOL,Timestamp,OPEN,HIGH,LOW,CLOSE,VOLUME\r\nAAPL,2013-10-07T09:30:00-04:00,10,12,9,11,100\r\n\r\n\r\n`;
    const data = parseNormalizedCsv(text, "bom.csv");
    expect(data.source).toBe("bom.csv");
    expect(data.series[0]!.length).toBe(1);
    expect(data.series[0]!.close[0]).toBe(11);
  });

  it("keeps series in order of first appearance and merges spellings of one symbol", () => {
    const text = [
      HEADER,
      "MSFT,2024-01-02,10,12,9,11,1",
      "ETH-USD,2024-01-02T00:00:00Z,2000,2100,1900,2050,0.5",
      "ETHUSD,2024-01-02T01:00:00Z,2050,2060,2040,2055,0.25",
    ].join("\n");
    const data = parseNormalizedCsv(text, "mixed.csv");
    expect(data.series.map((series) => series.instrument.symbol)).toEqual(["MSFT", "ETH/USD"]);
    expect(seriesOf(data, "ETH/USD").length).toBe(2);
    expect(seriesOf(data, "ETH/USD").volume[1]).toBe(0.25);
  });

  it("counts lines from the header as line 1, blank lines included", () => {
    const error = inputErrorOf(() => parseNormalizedCsv(`${HEADER}\r\n\r\nAAPL,2013-10-07,10,12,9,x,100\r\n`, "lines.csv"));
    expect(error.where).toEqual({ file: "lines.csv", line: 3, field: "close" });
  });
});

describe("parseAlphaVantageJsonl", () => {
  it("accepts the API's own open/close names", () => {
    const line = JSON.stringify({
      "Meta Data": { "2. Symbol": "IBM" },
      "Time Series (Daily)": { "2024-01-02": { "1. open": "10", "2. high": "12", "3. low": "9", "4. close": "11", "5. volume": "7" } },
    });
    const series = parseAlphaVantageJsonl(line, "api.jsonl").series[0]!;
    expect([series.open[0], series.close[0], series.volume[0]]).toEqual([10, 11, 7]);
  });

  it("normalizes the symbol of a masked bar", () => {
    const line = avLine("eth-usd", { "2024-01-02": avBar("10", "12", "9", "11"), "2024-01-03": { "1. buy price": "11.5" } });
    const data = parseAlphaVantageJsonl(line, "crypto.jsonl");
    expect(data.series[0]!.instrument.symbol).toBe("ETH/USD");
    expect(data.masked).toEqual([{ symbol: "ETH/USD", time: timeOf("2024-01-03"), day: 20240103, open: 11.5 }]);
  });
});

describe("parseGenericCsv", () => {
  it("detects columns case-insensitively, reads quoted fields and US dates, and defaults volume to 0", () => {
    const text = [
      'Ticker,Name,"Date",Open,High,Low,Close',
      '"BRK-B","Berkshire Hathaway, Inc.",1/2/2024,"1000.5",1100,990,1050',
      "BRK.B,Berkshire,01/03/2024,1050,1060,1040,1055",
    ].join("\n");
    const series = parseGenericCsv(text, "brk.csv").series;
    expect(series.length).toBe(1);
    expect(series[0]!.instrument.symbol).toBe("BRK.B");
    expect([...series[0]!.day]).toEqual([20240102, 20240103]);
    expect(series[0]!.open[0]).toBe(1000.5);
    expect([...series[0]!.volume]).toEqual([0, 0]);
  });

  it("reads escaped quotes inside quoted fields", () => {
    const text = ['symbol,date,open,high,low,close,note', 'AAPL,2024-01-02,10,12,9,11,"says ""hi"", twice"'].join("\n");
    expect(parseGenericCsv(text, "quotes.csv").series[0]!.close[0]).toBe(11);
  });

  it("accepts rows interleaved across symbols", () => {
    const text = [
      "date,symbol,open,high,low,close,volume",
      "2024-01-02,AAPL,10,12,9,11,1",
      "2024-01-02,MSFT,20,22,19,21,2",
      "2024-01-03,AAPL,11,13,10,12,3",
      "2024-01-03,MSFT,21,23,20,22,4",
    ].join("\n");
    const data = parseGenericCsv(text, "panel.csv");
    expect(data.series.map((series) => [series.instrument.symbol, series.length])).toEqual([
      ["AAPL", 2],
      ["MSFT", 2],
    ]);
    expect([...seriesOf(data, "MSFT").volume]).toEqual([2, 4]);
  });

  it("uses an explicit column mapping over auto-detection", () => {
    const text = ["Day,Open,High,Low,Close,Adj Close,Volume", "2024-01-02,10,12,9,11,10.5,5"].join("\n");
    const data = parseGenericCsv(text, "yahoo.csv", { columns: parseColumnMapping("time=Day, close = adj close"), symbol: "AAPL" });
    expect(data.series[0]!.instrument.symbol).toBe("AAPL");
    expect(data.series[0]!.close[0]).toBe(10.5);
  });

  it("takes datetime or timestamp columns over a date column", () => {
    const text = ["date,timestamp,open,high,low,close", "2024-01-02,2024-01-02T10:00:00-05:00,10,12,9,11"].join("\n");
    expect(parseGenericCsv(text, "x.csv").series[0]!.minute[0]).toBe(600);
  });
});

describe("parseColumnMapping", () => {
  it("maps fields to headers, keeping spaces inside names", () => {
    expect(parseColumnMapping("time=Date,close=Adj Close")).toEqual({ time: "Date", close: "Adj Close" });
    expect(parseColumnMapping("Symbol=Ticker,volume=Vol")).toEqual({ symbol: "Ticker", volume: "Vol" });
  });

  it.each([
    ["time", '"time" in --columns is not field=header', undefined],
    ["price=Close", '"price" in --columns is not a field', "price"],
    ["time=", "--columns gives time no header", "time"],
    ["time=Date,time=Day", "--columns maps time twice", "time"],
    ["", '"" in --columns is not field=header', undefined],
  ])("rejects %j", (spec, problem, field) => {
    const error = inputErrorOf(() => parseColumnMapping(spec));
    expect(error.problem).toBe(problem);
    expect(error.where.field).toBe(field);
    expect(error.fix).toContain("time=Date,close=Adj Close");
  });
});

describe("loadDataFile format detection", () => {
  const bar = "AAPL,2024-01-02,10,12,9,11,100";

  it("reads a .json file as Alpha Vantage", () => {
    const file = tempFile("one.json", avLine("AAPL", { "2024-01-02": avBar("10", "12", "9", "11") }));
    expect(loadDataFile(file).series[0]!.close[0]).toBe(11);
  });

  it("reads a CSV-named file whose first line is a JSON object as Alpha Vantage", () => {
    const file = tempFile("actually-json.csv", `${avLine("AAPL", { "2024-01-02": avBar("10", "12", "9", "11") })}\n`);
    expect(loadDataFile(file).series[0]!.length).toBe(1);
  });

  it("reads a CSV with the normalized header as normalized, any other as generic", () => {
    const normalized = tempFile("normalized.csv", `${HEADER}\n${bar}\n`);
    expect(loadDataFile(normalized).series[0]!.instrument.symbol).toBe("AAPL");
    const generic = tempFile("aapl-daily.csv", "Date,Open,High,Low,Close\n2024-01-02,10,12,9,11\n");
    expect(loadDataFile(generic).series[0]!.instrument.symbol).toBe("AAPL-DAILY");
  });

  it("lets the format option override detection", () => {
    const file = tempFile("forced.csv", `${HEADER}\n${bar}\n`);
    expect(loadDataFile(file, { format: "csv" }).series[0]!.close[0]).toBe(11);
    const error = inputErrorOf(() => loadDataFile(file, { format: "alpha-vantage-jsonl" }));
    expect(error.where).toEqual({ file, line: 1 });
  });

  it("rejects an unknown format", () => {
    const file = tempFile("unknown.csv", `${HEADER}\n${bar}\n`);
    const error = inputErrorOf(() => loadDataFile(file, { format: "parquet" as never }));
    expect(error.problem).toBe('unknown data format "parquet"');
    expect(error.fix).toContain("normalized-csv, alpha-vantage-jsonl, csv");
  });
});

describe("loadDataFile failures", () => {
  /** Writes a normalized CSV with one good bar, then `row` on line 3. */
  function normalizedWith(name: string, row: string): string {
    return tempFile(name, `${HEADER}\nAAPL,2024-01-02T09:30:00-05:00,10,12,9,11,100\n${row}\n`);
  }

  it("names a missing file and the --data flag", () => {
    const missing = path.join(tempDir, "no-such-file.csv");
    const error = inputErrorOf(() => loadDataFile(missing));
    expect(error.where).toEqual({ file: missing });
    expect(error.message).toContain(missing);
    expect(error.message).toContain("check the --data path");
  });

  it("rejects a folder", () => {
    expect(inputErrorOf(() => loadDataFile(tempDir)).message).toContain("is a folder");
  });

  it("rejects a normalized-format file with the wrong header, listing expected and found columns", () => {
    const file = tempFile("wrong-header.csv", "symbol,timestamp,open,high,low,close\nAAPL,2024-01-02,10,12,9,11\n");
    const error = inputErrorOf(() => loadDataFile(file, { format: "normalized-csv" }));
    expect(error.where).toEqual({ file, line: 1 });
    expect(error.problem).toContain("expected columns symbol,timestamp,open,high,low,close,volume");
    expect(error.problem).toContain("found symbol,timestamp,open,high,low,close");
    expect(error.fix).toContain("--format csv --columns");
  });

  it("names the missing column of a generic CSV and lists the headers found", () => {
    const file = tempFile("no-close.csv", "Date,Open,High,Low,Last\n2024-01-02,10,12,9,11\n");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 1, field: "close" });
    expect(error.problem).toBe("no column for close (headers found: Date, Open, High, Low, Last)");
    expect(error.fix).toContain("--columns close=<header>");
  });

  it("lists every missing required column", () => {
    const file = tempFile("no-time.csv", "When,Price\n2024-01-02,10\n");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.problem).toBe("no column for time, open, high, low, close (headers found: When, Price)");
    expect(error.fix).toContain("--columns time=<header>,open=<header>,high=<header>,low=<header>,close=<header>");
  });

  it("rejects a mapping that names a header the file lacks", () => {
    const file = tempFile("mapped.csv", "Date,Open,High,Low,Close\n2024-01-02,10,12,9,11\n");
    const error = inputErrorOf(() => loadDataFile(file, { columns: { close: "Adj Close" } }));
    expect(error.where).toEqual({ file, line: 1, field: "close" });
    expect(error.problem).toBe('--columns maps close to "Adj Close", but the file has no such column');
    expect(error.fix).toContain("Date, Open, High, Low, Close");
  });

  it("rejects rows out of order", () => {
    const file = normalizedWith("unsorted.csv", "AAPL,2024-01-01T09:30:00-05:00,10,12,9,11,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "timestamp" });
    expect(error.problem).toBe("timestamps of AAPL are not in ascending order");
  });

  it("rejects a duplicate timestamp, even written differently", () => {
    const file = normalizedWith("duplicate.csv", "AAPL,2024-01-02T14:30:00Z,10,12,9,11,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "timestamp" });
    expect(error.problem).toBe("duplicate timestamp for AAPL");
  });

  it("rejects a non-numeric price", () => {
    const file = normalizedWith("nan.csv", "AAPL,2024-01-03,NaN,12,9,11,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "open" });
    expect(error.message).toBe(`${file}, line 3, field "open": open is "NaN", not a number. Fix or remove the row`);
  });

  it("rejects an empty price instead of reading it as 0", () => {
    const file = normalizedWith("empty-price.csv", "AAPL,2024-01-03,10,12,,11,100");
    expect(inputErrorOf(() => loadDataFile(file)).where).toEqual({ file, line: 3, field: "low" });
  });

  it("rejects a negative price", () => {
    const file = normalizedWith("negative.csv", "AAPL,2024-01-03,10,12,9,-11,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "close" });
    expect(error.problem).toBe("close is -11, but prices must be positive");
  });

  it("rejects a high below the low", () => {
    const file = normalizedWith("high-low.csv", "AAPL,2024-01-03,10,8,9,10,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "high" });
    expect(error.problem).toBe("high 8 is below low 9");
  });

  it("rejects a bad timestamp", () => {
    const file = normalizedWith("bad-time.csv", "AAPL,2024-02-30,10,12,9,11,100");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "timestamp" });
    expect(error.problem).toBe('timestamp "2024-02-30" is not a valid timestamp');
    expect(error.fix).toContain("YYYY-MM-DD");
  });

  it("rejects a bad timestamp in a generic CSV, naming its header and the US date form", () => {
    const file = tempFile("bad-us-date.csv", "Date,Open,High,Low,Close\n13/01/2024,10,12,9,11\n");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 2, field: "Date" });
    expect(error.fix).toContain("M/D/YYYY");
  });

  it("rejects a short row, naming the first missing field", () => {
    const file = normalizedWith("short.csv", "AAPL,2024-01-03,10,12,9");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3, field: "close" });
    expect(error.problem).toBe("expected 7 fields (symbol,timestamp,open,high,low,close,volume), found 5");
  });

  it("rejects a long row", () => {
    const file = normalizedWith("long.csv", "AAPL,2024-01-03,10,12,9,11,100,extra");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 3 });
    expect(error.problem).toContain("found 8");
  });

  it("rejects a generic CSV row with the wrong number of fields", () => {
    const file = tempFile("generic-short.csv", "Date,Open,High,Low,Close,Volume\n2024-01-02,10,12,9,11\n");
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 2, field: "Volume" });
  });

  it("rejects an unclosed quote", () => {
    const file = tempFile("quote.csv", 'Date,Open,High,Low,Close\n2024-01-02,"10,12,9,11\n');
    expect(inputErrorOf(() => loadDataFile(file)).where).toEqual({ file, line: 2 });
  });

  it("rejects an empty symbol", () => {
    const file = normalizedWith("no-symbol.csv", ",2024-01-03,10,12,9,11,100");
    expect(inputErrorOf(() => loadDataFile(file)).where).toEqual({ file, line: 3, field: "symbol" });
  });

  it.each([
    ["empty.csv", ""],
    ["blank.csv", "\n\r\n  \n"],
    ["header-only.csv", `${HEADER}\n`],
    ["generic-header-only.csv", "Date,Open,High,Low,Close\r\n"],
    ["empty.jsonl", ""],
  ])("rejects %s as having no bars", (name, content) => {
    const file = tempFile(name, content);
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file });
    expect(error.problem).toContain("no bars");
  });
});

describe("Alpha Vantage failures", () => {
  const good = avLine("AAPL", { "2024-01-02": avBar("10", "12", "9", "11") });

  it("reports invalid JSON with its line number", () => {
    const file = tempFile("broken.jsonl", `${good}\n{"Meta Data": {"2. Symbol": "MSFT"}, \n`);
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 2 });
    expect(error.problem).toMatch(/^invalid JSON/);
  });

  it("rejects a line that is not an object", () => {
    const file = tempFile("array.jsonl", `[1, 2]\n`);
    expect(inputErrorOf(() => loadDataFile(file)).where).toEqual({ file, line: 1 });
  });

  it("requires the symbol and the time series", () => {
    const noSymbol = tempFile("no-symbol.jsonl", JSON.stringify({ "Meta Data": {}, "Time Series (Daily)": {} }));
    expect(inputErrorOf(() => loadDataFile(noSymbol)).where).toEqual({ file: noSymbol, line: 1, field: "Meta Data/2. Symbol" });
    const noSeries = tempFile("no-series.jsonl", JSON.stringify({ "Meta Data": { "2. Symbol": "AAPL" } }));
    expect(inputErrorOf(() => loadDataFile(noSeries)).where).toEqual({ file: noSeries, line: 1, field: "Time Series" });
  });

  it("rejects an incomplete entry that is not the masked last one", () => {
    const line = avLine("AAPL", { "2024-01-02": { "1. buy price": "10" }, "2024-01-03": avBar("10", "12", "9", "11") });
    const file = tempFile("open-only-early.jsonl", `${good.replace("AAPL", "MSFT")}\n${line}\n`);
    const error = inputErrorOf(() => loadDataFile(file));
    expect(error.where).toEqual({ file, line: 2, field: "2024-01-02/2. high" });
    expect(error.problem).toBe('the entry for 2024-01-02 has no "2. high"');
  });

  it("rejects a last entry that lacks more than the close", () => {
    const { "4. sell price": _close, ...withoutClose } = avBar("10", "12", "9", "11");
    const line = avLine("AAPL", { "2024-01-02": avBar("10", "12", "9", "11"), "2024-01-03": withoutClose });
    const error = inputErrorOf(() => parseAlphaVantageJsonl(line, "partial.jsonl"));
    expect(error.where).toEqual({ file: "partial.jsonl", line: 1, field: "2024-01-03/4. sell price" });
  });

  it("rejects a bad timestamp key", () => {
    const line = avLine("AAPL", { "2024-13-02": avBar("10", "12", "9", "11") });
    const error = inputErrorOf(() => parseAlphaVantageJsonl(line, "key.jsonl"));
    expect(error.where).toEqual({ file: "key.jsonl", line: 1, field: "2024-13-02" });
  });

  it("names the entry of a bar that fails validation", () => {
    const line = avLine("AAPL", { "2024-01-03": avBar("10", "8", "9", "10"), "2024-01-02": avBar("10", "12", "9", "11") });
    const error = inputErrorOf(() => parseAlphaVantageJsonl(`\n${line}`, "invalid.jsonl"));
    expect(error.where).toEqual({ file: "invalid.jsonl", line: 2, field: "2024-01-03/high" });
    expect(error.problem).toBe("2024-01-03: high 8 is below low 9");
  });

  it("rejects a non-numeric or non-positive value", () => {
    const text = avLine("AAPL", { "2024-01-02": avBar("ten", "12", "9", "11") });
    expect(inputErrorOf(() => parseAlphaVantageJsonl(text, "nan.jsonl")).where.field).toBe("2024-01-02/1. buy price");
    const masked = avLine("AAPL", { "2024-01-02": avBar("10", "12", "9", "11"), "2024-01-03": { "1. buy price": "-1" } });
    expect(inputErrorOf(() => parseAlphaVantageJsonl(masked, "neg.jsonl")).where.field).toBe("2024-01-03/1. buy price");
  });

  it("rejects a symbol that appears on two lines", () => {
    const error = inputErrorOf(() => parseAlphaVantageJsonl(`${good}\n${good.replace("AAPL", "aapl")}`, "twice.jsonl"));
    expect(error.problem).toBe("AAPL already appeared on line 1");
    expect(error.where).toEqual({ file: "twice.jsonl", line: 2, field: "Meta Data/2. Symbol" });
  });

  it("reports no bars when every entry is masked", () => {
    const error = inputErrorOf(() => parseAlphaVantageJsonl(avLine("AAPL", { "2024-01-02": { "1. buy price": "10" } }), "masked.jsonl"));
    expect(error.problem).toContain("no bars");
  });
});
