/**
 * Helpers shared by the file feeds: line iteration that tolerates a BOM, CRLF and blank lines, strict
 * number and timestamp fields, CSV splitting with quotes, and assembling one series per symbol.
 */
import { InputError } from "../errors";
import type { MarketTime } from "./calendar";
import { parseMarketTime } from "./calendar";
import type { BarSource, DataSet, MaskedBar } from "./series";
import { BarSeriesBuilder } from "./series";
import { instrumentOf } from "./symbols";

const BOM = 0xfeff;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;

export const TIME_FORMATS =
  "Use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]±HH:MM (or Z), YYYY-MM-DD HH:MM[:SS] (New York time) or epoch seconds/milliseconds";

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) > SPACE) return false;
  }
  return true;
}

/**
 * Calls `visit` with each non-blank line and its 1-based number, without the BOM or a trailing CR.
 * `visit` may return false to stop early.
 */
export function forEachLine(text: string, visit: (line: string, lineNumber: number) => boolean | void): void {
  let start = text.charCodeAt(0) === BOM ? 1 : 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNumber++;
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (!isBlank(text, start, stop) && visit(text.slice(start, stop), lineNumber) === false) return;
    start = end + 1;
  }
}

/** The first non-blank line (what format detection looks at), or "" for an empty file. */
export function firstLine(text: string): string {
  let found = "";
  forEachLine(text, (line) => {
    found = line;
    return false;
  });
  return found;
}

/** A number field; an empty cell is an error, not the 0 that `Number("")` would make of it. */
export function numberField(raw: string, at: BarSource, field: string): number {
  const value = Number(raw);
  if (Number.isNaN(value) || (value === 0 && raw.trim() === "")) {
    throw new InputError(`${field} is "${raw}", not a number`, "Fix or remove the row", { ...at, field });
  }
  return value;
}

export function timeField(
  raw: string,
  at: BarSource,
  field: string,
  parse: (raw: string) => MarketTime | undefined = parseMarketTime,
  formats = TIME_FORMATS,
): MarketTime {
  const parsed = parse(raw);
  if (!parsed) throw new InputError(`${field} "${raw}" is not a valid timestamp`, formats, { ...at, field });
  return parsed;
}

/**
 * A timestamp parser that remembers what it parsed. Multi-symbol files repeat each timestamp once per
 * symbol (the 10-year daily panel: 165k rows, 2.5k distinct stamps); parsing was half the load time.
 */
export function memoizedTimeParser(parse: (raw: string) => MarketTime | undefined = parseMarketTime): (raw: string) => MarketTime | undefined {
  const parsed = new Map<string, MarketTime | undefined>();
  return (raw) => {
    const known = parsed.get(raw);
    if (known !== undefined || parsed.has(raw)) return known;
    const result = parse(raw);
    parsed.set(raw, result);
    return result;
  };
}

/** Reads one double-quoted field starting at `open` (the quote); returns its text and where it ends. */
function quotedField(line: string, open: number, at: BarSource): [string, number] {
  let value = "";
  let from = open + 1;
  for (;;) {
    const close = line.indexOf('"', from);
    if (close < 0) {
      throw new InputError("a quoted field is not closed", "Close the quote; a field cannot span lines", at);
    }
    value += line.slice(from, close);
    if (line.charCodeAt(close + 1) !== QUOTE) return [value, close + 1];
    value += '"';
    from = close + 2;
  }
}

/** Splits one CSV line; fields may be double-quoted, with commas inside and "" for a quote. */
export function splitCsvLine(line: string, at: BarSource): string[] {
  if (line.indexOf('"') < 0) return line.split(",");
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    if (line.charCodeAt(pos) === QUOTE) {
      const [value, end] = quotedField(line, pos, at);
      fields.push(value);
      if (end === line.length) return fields;
      if (line.charCodeAt(end) !== COMMA) {
        throw new InputError("unexpected text after a closing quote", 'Quote the whole field, and write a quote inside it as ""', at);
      }
      pos = end + 1;
    } else {
      const comma = line.indexOf(",", pos);
      if (comma < 0) {
        fields.push(line.slice(pos));
        return fields;
      }
      fields.push(line.slice(pos, comma));
      pos = comma + 1;
    }
  }
}

export function noBarsError(file: string): InputError {
  return new InputError("no bars: the file is empty or has only a header", "Check the --data path, or add rows of bars", { file });
}

/**
 * One builder per instrument, in order of first appearance. Spellings that normalize to one symbol
 * (ETH-USD, ETHUSD) share a builder; the raw-text cache spares a normalization per row.
 */
export class SeriesCollector {
  private readonly byRaw = new Map<string, BarSeriesBuilder>();
  private readonly bySymbol = new Map<string, BarSeriesBuilder>();

  builderFor(rawSymbol: string, at: BarSource, field: string): BarSeriesBuilder {
    const cached = this.byRaw.get(rawSymbol);
    if (cached) return cached;
    const instrument = instrumentOf(rawSymbol);
    if (instrument.symbol === "") throw new InputError("the symbol is empty", "Give every row a symbol", { ...at, field });
    let builder = this.bySymbol.get(instrument.symbol);
    if (!builder) {
      builder = new BarSeriesBuilder(instrument);
      this.bySymbol.set(instrument.symbol, builder);
    }
    this.byRaw.set(rawSymbol, builder);
    return builder;
  }

  finish(source: string, masked: MaskedBar[] = []): DataSet {
    const series = [...this.bySymbol.values()].filter((builder) => builder.length > 0).map((builder) => builder.build());
    if (series.length === 0) throw noBarsError(source);
    return { source, series, masked };
  }
}
