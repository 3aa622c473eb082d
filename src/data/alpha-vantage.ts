/**
 * Alpha Vantage time series as the AI-Trader benchmark stores them (`merged*.jsonl`): one JSON object
 * per symbol per line, `{"Meta Data": {"2. Symbol": ...}, "Time Series (Daily)": {"2025-10-29": {...}}}`,
 * prices as strings. That benchmark masks the last entry (only its open is present) so an agent cannot
 * see the close ahead of time; such an entry is returned in `DataSet.masked`, never as a bar.
 */
import { InputError } from "../errors";
import type { MarketTime } from "./calendar";
import { forEachLine, numberField, SeriesCollector, timeField } from "./csv-lines";
import type { BarFields, BarSeriesBuilder, BarSource, DataSet, MaskedBar } from "./series";

const SYMBOL_FIELD = "Meta Data/2. Symbol";
const TIME_SERIES_PREFIX = "Time Series";
// The benchmark renames open/close to buy/sell price; the Alpha Vantage API itself says open/close.
const OPEN_KEYS = ["1. buy price", "1. open"];
const HIGH_KEYS = ["2. high"];
const LOW_KEYS = ["3. low"];
const CLOSE_KEYS = ["4. sell price", "4. close"];
const VOLUME_KEYS = ["5. volume"];

type JsonObject = Record<string, unknown>;

interface Entry {
  stamp: string;
  at: MarketTime;
  values: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseRecord(line: string, at: BarSource): JsonObject {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new InputError(`invalid JSON (${(error as Error).message})`, "Each line must be one complete JSON object", at);
  }
  if (!isObject(record)) throw new InputError("the line is not a JSON object", "Each line must be one JSON object per symbol", at);
  return record;
}

function symbolOf(record: JsonObject, at: BarSource): string {
  const meta = record["Meta Data"];
  const symbol = isObject(meta) ? meta["2. Symbol"] : undefined;
  if (typeof symbol !== "string") {
    throw new InputError('no "Meta Data"."2. Symbol"', "Each line needs the symbol in its Meta Data", { ...at, field: SYMBOL_FIELD });
  }
  return symbol;
}

function timeSeriesOf(record: JsonObject, at: BarSource): JsonObject {
  const key = Object.keys(record).find((name) => name.startsWith(TIME_SERIES_PREFIX));
  const series = key === undefined ? undefined : record[key];
  if (!isObject(series)) {
    throw new InputError(
      'no "Time Series (...)" object',
      'Each line needs a "Time Series (Daily)" or "Time Series (60min)" object keyed by timestamp',
      { ...at, field: key ?? TIME_SERIES_PREFIX },
    );
  }
  return series;
}

/** The entries in time order: the file's key order is not guaranteed (hourly files mix directions). */
function sortedEntries(series: JsonObject, at: BarSource): Entry[] {
  const entries = Object.entries(series).map(([stamp, values]): Entry => {
    if (!isObject(values)) {
      throw new InputError(`the entry for ${stamp} is not an object`, "Give each timestamp an object of prices", { ...at, field: stamp });
    }
    return { stamp, at: timeField(stamp, at, stamp), values };
  });
  return entries.sort((a, b) => a.at.time - b.at.time);
}

function valueOf(entry: Entry, keys: readonly string[]): unknown {
  for (const key of keys) {
    if (entry.values[key] !== undefined) return entry.values[key];
  }
  return undefined;
}

function numberOf(entry: Entry, keys: readonly string[], at: BarSource): number {
  const field = `${entry.stamp}/${keys[0]}`;
  const value = valueOf(entry, keys);
  if (value === undefined) {
    throw new InputError(`the entry for ${entry.stamp} has no "${keys[0]}"`, "Only the last entry may be masked to its open; complete or remove this one", {
      ...at,
      field,
    });
  }
  if (typeof value !== "string" && typeof value !== "number") {
    throw new InputError(`"${keys[0]}" of ${entry.stamp} is not a number`, "Write prices as numbers or numeric strings", { ...at, field });
  }
  return numberField(String(value), at, field);
}

function isOpenOnly(entry: Entry): boolean {
  return (
    valueOf(entry, OPEN_KEYS) !== undefined &&
    [HIGH_KEYS, LOW_KEYS, CLOSE_KEYS, VOLUME_KEYS].every((keys) => valueOf(entry, keys) === undefined)
  );
}

function barOf(entry: Entry, at: BarSource): BarFields {
  return {
    time: entry.at.time,
    day: entry.at.day,
    minute: entry.at.minute,
    open: numberOf(entry, OPEN_KEYS, at),
    high: numberOf(entry, HIGH_KEYS, at),
    low: numberOf(entry, LOW_KEYS, at),
    close: numberOf(entry, CLOSE_KEYS, at),
    volume: numberOf(entry, VOLUME_KEYS, at),
  };
}

function maskedBarOf(symbol: string, entry: Entry, at: BarSource): MaskedBar {
  const open = numberOf(entry, OPEN_KEYS, at);
  if (!(open > 0 && Number.isFinite(open))) {
    throw new InputError(`the masked open of ${entry.stamp} is ${open}`, "Prices must be positive", { ...at, field: `${entry.stamp}/${OPEN_KEYS[0]}` });
  }
  return { symbol, time: entry.at.time, day: entry.at.day, open };
}

/** Pushes a bar; a validation error names the entry's timestamp, since one line holds a whole series. */
function pushEntry(builder: BarSeriesBuilder, entry: Entry, at: BarSource): void {
  const bar = barOf(entry, at);
  try {
    builder.push(bar, at);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`${entry.stamp}: ${error.problem}`, error.fix, { ...error.where, field: `${entry.stamp}/${error.where.field}` });
  }
}

export function parseAlphaVantageJsonl(text: string, file: string): DataSet {
  const collector = new SeriesCollector();
  const masked: MaskedBar[] = [];
  const lineOfSymbol = new Map<string, number>();
  forEachLine(text, (line, lineNumber) => {
    const at = { file, line: lineNumber };
    const record = parseRecord(line, at);
    const builder = collector.builderFor(symbolOf(record, at), at, SYMBOL_FIELD);
    const symbol = builder.instrument.symbol;
    const earlier = lineOfSymbol.get(symbol);
    if (earlier !== undefined) {
      throw new InputError(`${symbol} already appeared on line ${earlier}`, "Keep one line per symbol", { ...at, field: SYMBOL_FIELD });
    }
    lineOfSymbol.set(symbol, lineNumber);
    const entries = sortedEntries(timeSeriesOf(record, at), at);
    entries.forEach((entry, index) => {
      if (index === entries.length - 1 && isOpenOnly(entry)) {
        masked.push(maskedBarOf(symbol, entry, at));
      } else {
        pushEntry(builder, entry, at);
      }
    });
  });
  return collector.finish(file, masked);
}
