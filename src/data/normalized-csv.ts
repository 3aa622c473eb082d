/**
 * The project's own format, `symbol,timestamp,open,high,low,close,volume`, one bar a line. Files of
 * 100k+ rows are the common case (the 10-year panel has 165k), so rows are split with indexOf rather
 * than a regex or a general CSV parser: this format never quotes.
 */
import { InputError } from "../errors";
import { forEachLine, memoizedTimeParser, numberField, SeriesCollector, timeField } from "./csv-lines";
import type { BarSource, DataSet } from "./series";

export const NORMALIZED_COLUMNS = ["symbol", "timestamp", "open", "high", "low", "close", "volume"] as const;
const NORMALIZED_HEADER = NORMALIZED_COLUMNS.join(",");
const FIELD_COUNT = NORMALIZED_COLUMNS.length;

function headerNames(line: string): string[] {
  return line.split(",").map((name) => name.trim().toLowerCase());
}

export function isNormalizedHeader(line: string): boolean {
  return headerNames(line).join(",") === NORMALIZED_HEADER;
}

function checkHeader(line: string, at: BarSource): void {
  if (isNormalizedHeader(line)) return;
  throw new InputError(
    `not a normalized CSV header: expected columns ${NORMALIZED_HEADER}, found ${headerNames(line).join(",")}`,
    "For another layout, load it as a generic CSV: --format csv --columns time=<header>,open=<header>,high=<header>,low=<header>,close=<header>",
    at,
  );
}

function fieldCountError(line: string, at: BarSource): InputError {
  const found = line.split(",").length;
  const missing = NORMALIZED_COLUMNS[found];
  return new InputError(
    `expected ${FIELD_COUNT} fields (${NORMALIZED_HEADER}), found ${found}`,
    "Fix the row: one value per column, no commas inside values",
    missing === undefined ? at : { ...at, field: missing },
  );
}

/** Splits a row into exactly seven fields, written into `fields`. */
function splitRow(line: string, fields: string[], at: BarSource): void {
  let start = 0;
  for (let i = 0; i < FIELD_COUNT - 1; i++) {
    const comma = line.indexOf(",", start);
    if (comma < 0) throw fieldCountError(line, at);
    fields[i] = line.slice(start, comma);
    start = comma + 1;
  }
  if (line.indexOf(",", start) >= 0) throw fieldCountError(line, at);
  fields[FIELD_COUNT - 1] = line.slice(start);
}

export function parseNormalizedCsv(text: string, file: string): DataSet {
  const collector = new SeriesCollector();
  const fields = new Array<string>(FIELD_COUNT);
  const parseTime = memoizedTimeParser();
  let headerSeen = false;
  forEachLine(text, (line, lineNumber) => {
    const at = { file, line: lineNumber };
    if (!headerSeen) {
      checkHeader(line, at);
      headerSeen = true;
      return;
    }
    splitRow(line, fields, at);
    const stamp = timeField(fields[1], at, "timestamp", parseTime);
    const bar = {
      time: stamp.time,
      day: stamp.day,
      minute: stamp.minute,
      open: numberField(fields[2], at, "open"),
      high: numberField(fields[3], at, "high"),
      low: numberField(fields[4], at, "low"),
      close: numberField(fields[5], at, "close"),
      volume: numberField(fields[6], at, "volume"),
    };
    collector.builderFor(fields[0], at, "symbol").push(bar, at);
  });
  return collector.finish(file);
}
