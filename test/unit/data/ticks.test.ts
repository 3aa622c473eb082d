// The tick CSV parser: real IBM ticks (checked row by row against the general parsers), streaming in
// chunks, and every kind of bad input as an InputError naming the file, line and field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputErrorOf } from "../input-error";
import { parseMarketTime } from "../../../src/data/calendar";
import type { TradeTicks } from "../../../src/data/ticks";
import { formatTickTime, parseTickCsv, readTickChunks, readTickFile, sliceTicks, tradeTicksOf } from "../../../src/data/ticks";
import { InputError } from "../../../src/errors";
import { sharedData } from "../../shared-data";

const IBM_TICKS = "normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv";
const HEADER = "symbol,timestamp,price,size,exchange,sale_condition,suspicious";
const tempDir = mkdtempSync(path.join(os.tmpdir(), "aibt-ticks-"));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function tempFile(name: string, content: string): string {
  const file = path.join(tempDir, name);
  writeFileSync(file, content);
  return file;
}


function concat(chunks: TradeTicks[]): { time: number[]; price: number[]; size: number[]; condition: string[]; exchange: string[]; suspicious: number[] } {
  const all = { time: [] as number[], price: [] as number[], size: [] as number[], condition: [] as string[], exchange: [] as string[], suspicious: [] as number[] };
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      all.time.push(chunk.time[i]!);
      all.price.push(chunk.price[i]!);
      all.size.push(chunk.size[i]!);
      all.condition.push(chunk.conditions[chunk.condition[i]!]!);
      all.exchange.push(chunk.exchanges[chunk.exchange[i]!]!);
      all.suspicious.push(chunk.suspicious[i]!);
    }
  }
  return all;
}

describe("readTickFile on the real IBM trades (2013-10-07..11)", () => {
  const file = sharedData(IBM_TICKS);
  const ticks = readTickFile(file);

  it("reads every row into columns, equal to the general parsers row by row", () => {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(HEADER);
    expect(ticks.symbol).toBe("IBM");
    expect(ticks.length).toBe(lines.length - 1);
    expect(ticks.length).toBe(126_395);
    for (let i = 0; i < ticks.length; i++) {
      const [, stamp, price, size, exchange, condition, suspicious] = lines[i + 1]!.split(",");
      // Whole seconds are written without milliseconds (09:49:06-04:00): both shapes must parse.
      if (ticks.time[i] !== parseMarketTime(stamp!)!.time) throw new Error(`line ${i + 2}: time ${ticks.time[i]} != ${stamp}`);
      if (ticks.price[i] !== Number(price)) throw new Error(`line ${i + 2}: price ${ticks.price[i]} != ${price}`);
      if (ticks.size[i] !== Number(size)) throw new Error(`line ${i + 2}: size`);
      if (ticks.exchanges[ticks.exchange[i]!] !== exchange) throw new Error(`line ${i + 2}: exchange`);
      if (ticks.conditions[ticks.condition[i]!] !== condition) throw new Error(`line ${i + 2}: condition`);
      if (ticks.suspicious[i] !== Number(suspicious)) throw new Error(`line ${i + 2}: suspicious`);
    }
    expect(formatTickTime(ticks.time[0]!)).toBe("2013-10-07T04:00:30.270-04:00");
    expect(ticks.price[0]).toBe(181.52);
    expect(ticks.conditions).toContain("20002020");
    expect(ticks.conditions.length).toBeLessThan(100);
  });

  it("ticks are in non-decreasing time order", () => {
    for (let i = 1; i < ticks.length; i++) if (ticks.time[i]! < ticks.time[i - 1]!) throw new Error(`tick ${i} out of order`);
  });

  it("readTickChunks streams the same trades in blocks, with dictionaries that mean the same in every chunk", () => {
    const chunks = [...readTickChunks(file, { chunkBytes: 64 * 1024 })];
    expect(chunks.length).toBeGreaterThan(50);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(ticks.length);
    expect(concat(chunks)).toEqual(concat([ticks]));
    // A tiny block size (lines longer than the block) still works.
    const tiny = [...readTickChunks(file, { chunkBytes: 16 })];
    expect(tiny.reduce((n, c) => n + c.length, 0)).toBe(ticks.length);
    expect(Array.from(tiny.at(-1)!.time)).toEqual(Array.from(ticks.time.subarray(ticks.length - tiny.at(-1)!.length)));
  });

  it("parseTickCsv on the same text gives the same columns; sliceTicks views a range", () => {
    const parsed = parseTickCsv(readFileSync(file, "utf8"), file);
    expect(parsed.length).toBe(ticks.length);
    expect(parsed.time).toEqual(ticks.time);
    expect(parsed.price).toEqual(ticks.price);
    const part = sliceTicks(ticks, 10, 20);
    expect(part.length).toBe(10);
    expect(part.time[0]).toBe(ticks.time[10]);
    expect(part.conditions).toBe(ticks.conditions);
  });
});

describe("tick CSV details", () => {
  it("accepts CRLF, a BOM, blank lines, whole seconds, Z and other offsets, and true/false flags", () => {
    const text =
      `\ufeff${HEADER}\r\n` +
      "ibm,2013-10-07T09:30:00.001-04:00,182.5,100,N,1,0\r\n" +
      "\r\n" +
      "IBM,2013-10-07T09:30:01-04:00,182.25,0,D,,true\r\n" +
      "IBM,2013-10-07T13:30:02.500Z,182,50,Q,20000020,false\r\n" +
      "IBM,2013-10-07T09:30:03.5-04:00,182.75,1.5,Q,1,1";
    const ticks = parseTickCsv(text, "mem.csv");
    expect(ticks.symbol).toBe("IBM");
    expect(Array.from(ticks.time).map(formatTickTime)).toEqual([
      "2013-10-07T09:30:00.001-04:00",
      "2013-10-07T09:30:01.000-04:00",
      "2013-10-07T09:30:02.500-04:00",
      "2013-10-07T09:30:03.500-04:00",
    ]);
    expect(Array.from(ticks.size)).toEqual([100, 0, 50, 1.5]);
    expect(Array.from(ticks.suspicious)).toEqual([0, 1, 0, 1]);
    expect(Array.from(ticks.condition).map((c) => ticks.conditions[c])).toEqual(["1", "", "20000020", "1"]);
  });

  it("equal timestamps are fine (many trades share a millisecond)", () => {
    const ticks = parseTickCsv(`${HEADER}\nIBM,2013-10-07T09:30:00.001-04:00,1,1,N,1,0\nIBM,2013-10-07T09:30:00.001-04:00,2,1,N,1,0\n`, "same.csv");
    expect(ticks.length).toBe(2);
  });

  it("several symbols: --symbol picks one (in any spelling); without it the second symbol is an error naming both", () => {
    const text = `${HEADER}\nAAPL,2013-10-07T09:30:00.000-04:00,480,100,Q,1,0\nIBM,2013-10-07T09:29:00.000-04:00,182,100,N,1,0\nIBM,2013-10-07T09:31:00.000-04:00,183,100,N,1,0\n`;
    const ibm = parseTickCsv(text, "two.csv", { symbol: "ibm" });
    expect(ibm.symbol).toBe("IBM");
    expect(Array.from(ibm.price)).toEqual([182, 183]);
    const error = inputErrorOf(() => parseTickCsv(text, "two.csv"));
    expect(error.message).toMatch(/^two\.csv, line 3, field "symbol": a second symbol, IBM, after AAPL \(line 2\)/);
    const missing = inputErrorOf(() => parseTickCsv(text, "two.csv", { symbol: "SPY" }));
    expect(missing.message).toContain("no ticks of SPY (the file holds AAPL, IBM)");
  });

  it("tradeTicksOf builds columns from objects, checked", () => {
    const ticks = tradeTicksOf("ibm", [
      { time: 1000, price: 10, size: 5, condition: "1" },
      { time: 1000, price: 11, size: 0, condition: "40", suspicious: true },
    ]);
    expect(ticks.symbol).toBe("IBM");
    expect(Array.from(ticks.suspicious)).toEqual([0, 1]);
    expect(ticks.conditions).toEqual(["1", "40"]);
    expect(inputErrorOf(() => tradeTicksOf("IBM", [{ time: 2000, price: 1, size: 1 }, { time: 1000, price: 1, size: 1 }])).message).toContain("out of time order");
    expect(inputErrorOf(() => tradeTicksOf("IBM", [{ time: 2000, price: 0, size: 1 }])).where.field).toBe("price");
  });
});

describe("bad tick input: an InputError with file, line and field", () => {
  const row = (stamp: string, price = "182.5", size = "100", suspicious = "0") => `IBM,${stamp},${price},${size},N,1,${suspicious}`;

  function errorOf(lines: string[]): InputError {
    const file = tempFile("bad.csv", `${lines.join("\n")}\n`);
    return inputErrorOf(() => readTickFile(file));
  }

  it("ticks out of time order: names the line and both times", () => {
    const error = errorOf([HEADER, row("2013-10-07T09:31:05.120-04:00"), row("2013-10-07T09:31:06.000-04:00"), row("2013-10-07T09:31:00.000-04:00")]);
    expect(error.where).toMatchObject({ line: 4, field: "timestamp" });
    expect(error.message).toContain("bad.csv, line 4, field \"timestamp\"");
    expect(error.message).toContain("ticks are out of time order: 2013-10-07T09:31:00.000-04:00 comes after 2013-10-07T09:31:06.000-04:00 (line 3)");
  });

  it("an out-of-order tick across a chunk boundary is still caught", () => {
    const lines = [HEADER];
    for (let i = 0; i < 200; i++) lines.push(row(`2013-10-07T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000-04:00`));
    lines.push(row("2013-10-07T09:59:59.999-04:00"));
    const file = tempFile("late.csv", `${lines.join("\n")}\n`);
    const error = inputErrorOf(() => {
      for (const chunk of readTickChunks(file, { chunkBytes: 256 })) void chunk;
    });
    expect(error.where.line).toBe(202);
    expect(error.message).toContain("(line 201)");
  });

  it("unparseable time", () => {
    for (const stamp of ["2013-10-07T25:00:00.000-04:00", "yesterday", "2013-13-07T09:30:00.000-04:00", "2013-10-07T09:30:61.000-04:00", ""]) {
      const error = errorOf([HEADER, row(stamp)]);
      expect(error.where, stamp).toMatchObject({ line: 2, field: "timestamp" });
      expect(error.problem).toContain("is not a valid time");
    }
  });

  it("price <= 0, NaN or empty; size < 0 or not a number", () => {
    const stamp = "2013-10-07T09:30:00.000-04:00";
    for (const price of ["0", "-1.5", "NaN", "abc", "", "Infinity"]) {
      const error = errorOf([HEADER, row(stamp), row(stamp, price)]);
      expect(error.where, price).toMatchObject({ line: 3, field: "price" });
      expect(error.problem).toContain("a trade price must be a positive number");
    }
    for (const size of ["-1", "x", ""]) {
      const error = errorOf([HEADER, row(stamp, "182.5", size)]);
      expect(error.where, size).toMatchObject({ line: 2, field: "size" });
    }
  });

  it("a bad suspicious flag, and a wrong number of fields", () => {
    const stamp = "2013-10-07T09:30:00.000-04:00";
    expect(errorOf([HEADER, row(stamp, "1", "1", "maybe")]).where).toMatchObject({ line: 2, field: "suspicious" });
    const short = errorOf([HEADER, `IBM,${stamp},182.5,100`]);
    expect(short.where).toMatchObject({ line: 2, field: "exchange" });
    expect(short.problem).toContain("expected 7 fields");
    expect(errorOf([HEADER, `${row(stamp)},extra`]).problem).toContain("found 8");
  });

  it("wrong header, empty file, header only", () => {
    const wrong = errorOf(["symbol,timestamp,open,high,low,close,volume", "IBM,2013-10-07T09:30:00-04:00,1,1,1,1,1"]);
    expect(wrong.where).toMatchObject({ line: 1 });
    expect(wrong.problem).toContain("not a tick CSV header");
    const empty = inputErrorOf(() => readTickFile(tempFile("empty.csv", "")));
    expect(empty.problem).toBe("the tick file is empty");
    expect(empty.where.file).toContain("empty.csv");
    expect(inputErrorOf(() => readTickFile(tempFile("blank.csv", "\n \n"))).problem).toBe("the tick file is empty");
    expect(inputErrorOf(() => readTickFile(tempFile("header.csv", `${HEADER}\n`))).problem).toContain("only a header");
  });

  it("a missing file and a folder", () => {
    const missing = inputErrorOf(() => readTickFile(path.join(tempDir, "nope.csv")));
    expect(missing.message).toMatch(/nope\.csv: tick file not found/);
    expect(inputErrorOf(() => readTickFile(tempDir)).problem).toContain("folder");
    // The streaming form reports the same on first use.
    expect(inputErrorOf(() => [...readTickChunks(path.join(tempDir, "nope.csv"))]).problem).toBe("tick file not found");
  });
});
