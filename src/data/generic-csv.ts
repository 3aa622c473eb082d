/**
 * Any CSV with a header row (Yahoo exports, vega-datasets, spreadsheets). Columns are found by name,
 * case-insensitively, or named explicitly with a ColumnMapping (`--columns time=Date,close=Adj Close`).
 */
import path from "node:path";
import { InputError } from "../errors";
import type { MarketTime } from "./calendar";
import { parseMarketTime } from "./calendar";
import { forEachLine, memoizedTimeParser, numberField, SeriesCollector, splitCsvLine, TIME_FORMATS, timeField } from "./csv-lines";
import type { BarSeriesBuilder, BarSource, DataSet } from "./series";

const FIELDS = ["symbol", "time", "open", "high", "low", "close", "volume"] as const;
type Field = (typeof FIELDS)[number];

/** For each field, the header that holds it. */
export type ColumnMapping = Partial<Record<Field, string>>;

export interface GenericCsvOptions {
  /** Header names for each field (overrides auto-detection). */
  columns?: ColumnMapping;
  /** The symbol of a file without a symbol column (default: the file's base name, upper-cased). */
  symbol?: string;
}

/** Header names recognised per field, most specific first. */
const ALIASES: Record<Field, readonly string[]> = {
  symbol: ["symbol", "ticker"],
  time: ["datetime", "timestamp", "date", "time"],
  open: ["open"],
  high: ["high"],
  low: ["low"],
  close: ["close"],
  volume: ["volume"],
};
const REQUIRED: readonly Field[] = ["time", "open", "high", "low", "close"];
const GENERIC_TIME_FORMATS = `${TIME_FORMATS}, or a US date M/D/YYYY`;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Column index per field; -1 when the file has no such column. */
type ColumnIndexes = Record<Field, number>;

function isField(name: string): name is Field {
  return (FIELDS as readonly string[]).includes(name);
}

function mappingSpecError(problem: string, field?: string): InputError {
  return new InputError(
    problem,
    `Write --columns as field=header pairs separated by commas, e.g. time=Date,close=Adj Close (fields: ${FIELDS.join(", ")})`,
    field === undefined ? {} : { field },
  );
}

/** Parses `time=Date,close=Adj Close` into a mapping. */
export function parseColumnMapping(spec: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of spec.split(",")) {
    const eq = pair.indexOf("=");
    if (eq < 0) throw mappingSpecError(`"${pair.trim()}" in --columns is not field=header`);
    const field = pair.slice(0, eq).trim().toLowerCase();
    const header = pair.slice(eq + 1).trim();
    if (!isField(field)) throw mappingSpecError(`"${field}" in --columns is not a field`, field);
    if (header === "") throw mappingSpecError(`--columns gives ${field} no header`, field);
    if (mapping[field] !== undefined) throw mappingSpecError(`--columns maps ${field} twice`, field);
    mapping[field] = header;
  }
  return mapping;
}

function indexOfHeader(headers: readonly string[], name: string): number {
  const wanted = name.trim().toLowerCase();
  return headers.findIndex((header) => header.trim().toLowerCase() === wanted);
}

function detectColumn(headers: readonly string[], field: Field): number {
  for (const alias of ALIASES[field]) {
    const index = indexOfHeader(headers, alias);
    if (index >= 0) return index;
  }
  return -1;
}

function mappedColumn(headers: readonly string[], field: Field, name: string, at: BarSource): number {
  const index = indexOfHeader(headers, name);
  if (index < 0) {
    throw new InputError(`--columns maps ${field} to "${name}", but the file has no such column`, `Use one of the headers: ${headers.join(", ")}`, {
      ...at,
      field,
    });
  }
  return index;
}

function resolveColumns(headers: readonly string[], mapping: ColumnMapping, at: BarSource): ColumnIndexes {
  const columns = {} as ColumnIndexes;
  for (const field of FIELDS) {
    const name = mapping[field];
    columns[field] = name === undefined ? detectColumn(headers, field) : mappedColumn(headers, field, name, at);
  }
  const missing = REQUIRED.filter((field) => columns[field] < 0);
  if (missing.length > 0) {
    throw new InputError(
      `no column for ${missing.join(", ")} (headers found: ${describeHeaders(headers)})`,
      `Name the columns with --columns ${missing.map((field) => `${field}=<header>`).join(",")}`,
      { ...at, field: missing[0] },
    );
  }
  return columns;
}

/** `M/D/YYYY` or `MM/DD/YYYY`, the US spreadsheet date, as a daily bar. */
function parseUsDate(raw: string): MarketTime | undefined {
  const match = US_DATE.exec(raw.trim());
  if (!match) return undefined;
  const [, month, day, year] = match;
  return parseMarketTime(`${year}-${month!.padStart(2, "0")}-${day!.padStart(2, "0")}`);
}

function parseGenericTime(raw: string): MarketTime | undefined {
  return parseMarketTime(raw) ?? parseUsDate(raw);
}

/** The symbol a file without a symbol column stands for: sp500-2000.csv -> SP500-2000. */
function defaultSymbol(file: string): string {
  return path.basename(file, path.extname(file)).toUpperCase();
}

interface Layout {
  headers: string[];
  columns: ColumnIndexes;
  parseTime: (raw: string) => MarketTime | undefined;
  /** Every row's builder when the file has no symbol column. */
  fixed?: BarSeriesBuilder;
}

function readLayout(line: string, at: BarSource, options: GenericCsvOptions, collector: SeriesCollector, file: string): Layout {
  const headers = splitCsvLine(line, at).map((header) => header.trim());
  const columns = resolveColumns(headers, options.columns ?? {}, at);
  const parseTime = memoizedTimeParser(parseGenericTime);
  if (columns.symbol >= 0) return { headers, columns, parseTime };
  return { headers, columns, parseTime, fixed: collector.builderFor(options.symbol ?? defaultSymbol(file), at, "symbol") };
}

function readRow(line: string, at: BarSource, layout: Layout, collector: SeriesCollector): void {
  const { headers, columns, parseTime } = layout;
  const cells = splitCsvLine(line, at);
  if (cells.length !== headers.length) {
    throw new InputError(
      `expected ${headers.length} fields (as in the header), found ${cells.length}`,
      "Fix the row: one value per column, and quote values that contain commas",
      cells.length < headers.length ? { ...at, field: headers[cells.length] } : at,
    );
  }
  const cell = (field: Field) => cells[columns[field]]!;
  const header = (field: Field) => headers[columns[field]]!;
  const stamp = timeField(cell("time"), at, header("time"), parseTime, GENERIC_TIME_FORMATS);
  const bar = {
    time: stamp.time,
    day: stamp.day,
    minute: stamp.minute,
    open: numberField(cell("open"), at, header("open")),
    high: numberField(cell("high"), at, header("high")),
    low: numberField(cell("low"), at, header("low")),
    close: numberField(cell("close"), at, header("close")),
    volume: columns.volume < 0 ? 0 : numberField(cell("volume"), at, header("volume")),
  };
  const builder = layout.fixed ?? collector.builderFor(cell("symbol"), at, header("symbol"));
  builder.push(bar, at);
}

export function parseGenericCsv(text: string, file: string, options: GenericCsvOptions = {}): DataSet {
  const collector = new SeriesCollector();
  let layout: Layout | undefined;
  forEachLine(text, (line, lineNumber) => {
    const at = { file, line: lineNumber };
    if (layout) readRow(line, at, layout, collector);
    else layout = readLayout(line, at, options, collector, file);
  });
  return collector.finish(file);
}

/** The headers for an error message, cut short: a binary or JSON file has one enormous "header". */
function describeHeaders(headers: readonly string[]): string {
  const shown = headers.slice(0, 12).map((header) => (header.length > 40 ? `${header.slice(0, 37)}...` : header));
  return `${shown.join(", ")}${headers.length > 12 ? `, ... (${headers.length} in all)` : ""}`;
}
