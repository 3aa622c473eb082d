/**
 * Trade ticks in columns, and a streaming parser of the normalized tick CSV
 * `symbol,timestamp,price,size,exchange,sale_condition,suspicious` (one trade a line, ISO timestamps
 * with milliseconds and the New York offset, sorted by time).
 *
 * A busy day is half a million trades, so the parser reads the file in blocks, never holds more than
 * one block of text, walks each line with indexOf and charCodeAt (no split, no regex, no per-field
 * string for numbers), and parses a timestamp's date, hour, minute and zone once per minute: the
 * rows of one minute differ only in their seconds. Conditions and exchanges are interned: a column of
 * small integers plus a dictionary.
 */
import { isAscii } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors";
import { formatMarketTime, parseMarketTime } from "./calendar";
import { TIME_FORMATS } from "./csv-lines";
import { normalizeSymbol } from "./symbols";

export const TICK_COLUMNS = ["symbol", "timestamp", "price", "size", "exchange", "sale_condition", "suspicious"] as const;
const TICK_HEADER = TICK_COLUMNS.join(",");
const FIELD_COUNT = TICK_COLUMNS.length;

/** Trades of one symbol in columns, in non-decreasing time order. */
export interface TradeTicks {
  /** Canonical symbol (see normalizeSymbol). */
  readonly symbol: string;
  readonly length: number;
  /** Trade time, epoch ms. */
  readonly time: Float64Array;
  readonly price: Float64Array;
  /** Shares (or units) traded, >= 0. */
  readonly size: Float64Array;
  /** Sale condition of each trade: an index into `conditions`. */
  readonly condition: Int32Array;
  /** The distinct sale-condition codes, as written in the file (e.g. "1", "20000020", "4000000"). */
  readonly conditions: readonly string[];
  /** Exchange of each trade: an index into `exchanges`. */
  readonly exchange: Int32Array;
  readonly exchanges: readonly string[];
  /** 1 where the vendor flagged the trade as suspicious (likely to be reversed), else 0. */
  readonly suspicious: Uint8Array;
}

export interface TickReadOptions {
  /** Keep only this symbol's trades (any spelling normalizeSymbol accepts). Required when the file holds several symbols. */
  symbol?: string;
  /** Bytes read per block (default 1 MiB); readTickChunks yields the trades of one block at a time. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1 << 20;
const MAX_TIME = 8.64e15;
const LF = 10;
const CR = 13;
const SPACE = 32;
const COMMA = 44;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const ZERO = 48;
const COLON = 58;
const BOM = 0xfeff;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A copy of a string that does not point into the block of text it was cut from (V8 makes longer
 * substrings views of their parent): dictionary entries live on, the blocks must not.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, "utf8").toString("utf8");
}

/** Builds TradeTicks column by column, doubling its arrays as it goes. */
export class TradeTicksBuilder {
  private capacity: number;
  private count = 0;
  time: Float64Array;
  price: Float64Array;
  size: Float64Array;
  condition: Int32Array;
  exchange: Int32Array;
  suspicious: Uint8Array;
  private readonly conditionIndex = new Map<string, number>();
  private readonly exchangeIndex = new Map<string, number>();
  readonly conditions: string[] = [];
  readonly exchanges: string[] = [];

  constructor(
    public symbol: string,
    initialCapacity = 4096,
  ) {
    this.capacity = Math.max(16, Math.ceil(initialCapacity));
    this.time = new Float64Array(this.capacity);
    this.price = new Float64Array(this.capacity);
    this.size = new Float64Array(this.capacity);
    this.condition = new Int32Array(this.capacity);
    this.exchange = new Int32Array(this.capacity);
    this.suspicious = new Uint8Array(this.capacity);
  }

  get length(): number {
    return this.count;
  }

  /** The dictionary index of a sale condition, adding it if new. */
  conditionId(code: string): number {
    let id = this.conditionIndex.get(code);
    if (id === undefined) {
      id = this.conditions.length;
      const own = ownCopy(code);
      this.conditions.push(own);
      this.conditionIndex.set(own, id);
    }
    return id;
  }

  exchangeId(code: string): number {
    let id = this.exchangeIndex.get(code);
    if (id === undefined) {
      id = this.exchanges.length;
      const own = ownCopy(code);
      this.exchanges.push(own);
      this.exchangeIndex.set(own, id);
    }
    return id;
  }

  /** Appends one trade whose condition and exchange are dictionary indices. No validation: the caller checks. */
  push(time: number, price: number, size: number, exchange: number, condition: number, suspicious: number): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.time[i] = time;
    this.price[i] = price;
    this.size[i] = size;
    this.exchange[i] = exchange;
    this.condition[i] = condition;
    this.suspicious[i] = suspicious;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const time = new Float64Array(capacity);
    time.set(this.time);
    this.time = time;
    const price = new Float64Array(capacity);
    price.set(this.price);
    this.price = price;
    const size = new Float64Array(capacity);
    size.set(this.size);
    this.size = size;
    const condition = new Int32Array(capacity);
    condition.set(this.condition);
    this.condition = condition;
    const exchange = new Int32Array(capacity);
    exchange.set(this.exchange);
    this.exchange = exchange;
    const suspicious = new Uint8Array(capacity);
    suspicious.set(this.suspicious);
    this.suspicious = suspicious;
    this.capacity = capacity;
  }

  /** The trades so far as TradeTicks (copies; the dictionaries are snapshots). */
  build(): TradeTicks {
    const n = this.count;
    return {
      symbol: this.symbol,
      length: n,
      time: this.time.slice(0, n),
      price: this.price.slice(0, n),
      size: this.size.slice(0, n),
      condition: this.condition.slice(0, n),
      conditions: this.conditions.slice(),
      exchange: this.exchange.slice(0, n),
      exchanges: this.exchanges.slice(),
      suspicious: this.suspicious.slice(0, n),
    };
  }

  /** Empties the columns (keeping the dictionaries, so indices stay comparable across chunks). */
  clear(): void {
    this.count = 0;
  }
}

/** One trade as a plain object, for tests, notebooks and small hand-made data. */
export interface TradeFields {
  time: number;
  price: number;
  size: number;
  condition?: string;
  exchange?: string;
  suspicious?: boolean;
}

/** TradeTicks from plain trade objects, checked like a file's rows (the "line" of an error is the 1-based trade number). */
export function tradeTicksOf(symbol: string, trades: readonly TradeFields[], source = "trades"): TradeTicks {
  const builder = new TradeTicksBuilder(normalizeSymbol(symbol), trades.length);
  let last = -Infinity;
  trades.forEach((trade, index) => {
    const at = { file: source, line: index + 1 };
    if (!(trade.time >= -MAX_TIME && trade.time <= MAX_TIME)) {
      throw new InputError(`time ${trade.time} is not a valid epoch-ms instant`, "Give times in epoch milliseconds", { ...at, field: "time" });
    }
    checkPrice(trade.price, at);
    checkSize(trade.size, at);
    if (trade.time < last) throw outOfOrder(trade.time, last, at, index);
    last = trade.time;
    builder.push(
      trade.time,
      trade.price,
      trade.size,
      builder.exchangeId(trade.exchange ?? ""),
      builder.conditionId(trade.condition ?? ""),
      trade.suspicious ? 1 : 0,
    );
  });
  return builder.build();
}

interface At {
  file: string;
  line: number;
}

function checkPrice(price: number, at: At, raw?: string): void {
  if (!(price > 0 && price < Infinity)) {
    const shown = raw !== undefined ? `"${raw}"` : String(price);
    throw new InputError(`price is ${shown}, but a trade price must be a positive number`, "Fix or remove the row", { ...at, field: "price" });
  }
}

function checkSize(size: number, at: At, raw?: string): void {
  if (!(size >= 0 && size < Infinity)) {
    const shown = raw !== undefined ? `"${raw}"` : String(size);
    throw new InputError(`size is ${shown}, but a trade size must be a number >= 0`, "Fix or remove the row", { ...at, field: "size" });
  }
}

function outOfOrder(time: number, previous: number, at: At, previousLine: number): InputError {
  return new InputError(
    `ticks are out of time order: ${formatTickTime(time)} comes after ${formatTickTime(previous)} (line ${previousLine})`,
    "Sort the ticks by time",
    { ...at, field: "timestamp" },
  );
}

/** An instant as the tick files write it: ISO with milliseconds and New York's offset. */
export function formatTickTime(epochMs: number): string {
  const base = formatMarketTime(epochMs);
  const ms = String(((epochMs % 1000) + 1000) % 1000).padStart(3, "0");
  return `${base.slice(0, 19)}.${ms}${base.slice(19)}`;
}

function headerNames(line: string): string[] {
  return line.split(",").map((name) => name.trim().toLowerCase());
}

/** A number field from text[start, end): plain decimals parsed in place, anything else through Number(). */
function decimalAt(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = text.charCodeAt(i);
  if (first === MINUS) {
    negative = true;
    i++;
  } else if (first === PLUS) {
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
    } else if (d === DOT - ZERO && fraction < 0) {
      fraction = i;
    } else {
      return slowNumber(text, start, end);
    }
  }
  if (digits === 0 || digits > 15) return slowNumber(text, start, end);
  // Both operands are exact, and division rounds correctly: the same double Number() would give.
  const value = fraction < 0 || fraction === end - 1 ? mantissa : mantissa / POW10[end - 1 - fraction]!;
  return negative ? -value : value;
}

function slowNumber(text: string, start: number, end: number): number {
  const raw = text.slice(start, end);
  return raw.trim() === "" ? NaN : Number(raw);
}

function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - ZERO;
  const b = text.charCodeAt(at + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * Parses the text of a tick file, line by line, into a builder. Text arrives in blocks of whole lines
 * (the reader cuts blocks at a newline), so a row never spans two calls.
 */
class TickCsvParser {
  private lineNumber = 0;
  private headerSeen = false;
  private lastTime = -Infinity;
  private lastTimeLine = 0;
  private rawSymbol: string | undefined;
  private keep = false;
  private readonly wanted: string | undefined;
  private fileSymbol: string | undefined;
  private fileSymbolLine = 0;
  private readonly symbolsSeen = new Set<string>();
  private kept = 0;
  // The minute cache: a row whose first 16 characters (YYYY-MM-DDTHH:MM) and zone match the last
  // parsed minute reuses its epoch and adds seconds and milliseconds.
  private minutePrefix = "";
  private minuteZone = "";
  private minuteEpoch = Number.NaN;
  private lastExchange = "\u0000";
  private lastExchangeId = 0;
  private lastCondition = "\u0000";
  private lastConditionId = 0;

  constructor(
    private readonly file: string,
    readonly builder: TradeTicksBuilder,
    options: TickReadOptions,
  ) {
    if (options.symbol !== undefined) {
      const wanted = normalizeSymbol(options.symbol);
      if (wanted === "") throw new InputError("the symbol to read is empty", "Give a symbol, e.g. IBM", { field: "symbol" });
      this.wanted = wanted;
      builder.symbol = wanted;
    }
  }

  private at(field?: string): { file: string; line: number; field?: string } {
    return field === undefined ? { file: this.file, line: this.lineNumber } : { file: this.file, line: this.lineNumber, field };
  }

  private checkHeader(line: string): void {
    const names = headerNames(line.charCodeAt(0) === BOM ? line.slice(1) : line);
    if (names.join(",") === TICK_HEADER) return;
    throw new InputError(
      `not a tick CSV header: expected columns ${TICK_HEADER}, found ${names.join(",")}`,
      "Give a trade tick file in the normalized format (see the shared data README)",
      { file: this.file, line: this.lineNumber },
    );
  }

  /** Consumes every line of `text` (whole lines; the last may lack its newline only at the end of the file). */
  feed(text: string): void {
    const n = text.length;
    let start = 0;
    if (this.lineNumber === 0 && text.charCodeAt(0) === BOM) start = 1;
    while (start < n) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = n;
      this.lineNumber++;
      let stop = end;
      if (stop > start && text.charCodeAt(stop - 1) === CR) stop--;
      // Blank lines are skipped (a row starts with its symbol, so the first character usually decides).
      if (stop > start && (text.charCodeAt(start) > SPACE || !isBlank(text, start, stop))) {
        if (this.headerSeen) this.row(text, start, stop);
        else {
          this.checkHeader(text.slice(start, stop));
          this.headerSeen = true;
        }
      }
      start = end + 1;
    }
  }

  private fieldCountError(text: string, start: number, stop: number): InputError {
    const found = text.slice(start, stop).split(",").length;
    const missing = TICK_COLUMNS[found];
    return new InputError(
      `expected ${FIELD_COUNT} fields (${TICK_HEADER}), found ${found}`,
      "Fix the row: one value per column, no commas inside values",
      missing === undefined ? this.at() : this.at(missing),
    );
  }

  private row(text: string, start: number, stop: number): void {
    const c0 = text.indexOf(",", start);
    if (c0 < 0 || c0 >= stop) throw this.fieldCountError(text, start, stop);
    // Symbol: most rows repeat the previous row's spelling.
    const raw = this.rawSymbol;
    if (raw === undefined || c0 - start !== raw.length || !text.startsWith(raw, start)) this.newSymbol(text.slice(start, c0));
    if (!this.keep) return;
    const c1 = text.indexOf(",", c0 + 1);
    const c2 = c1 < 0 ? -1 : text.indexOf(",", c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(",", c2 + 1);
    const c4 = c3 < 0 ? -1 : text.indexOf(",", c3 + 1);
    const c5 = c4 < 0 ? -1 : text.indexOf(",", c4 + 1);
    if (c5 < 0 || c5 >= stop) throw this.fieldCountError(text, start, stop);
    const extra = text.indexOf(",", c5 + 1);
    if (extra >= 0 && extra < stop) throw this.fieldCountError(text, start, stop);

    const time = this.timeAt(text, c0 + 1, c1);
    const price = decimalAt(text, c1 + 1, c2);
    if (!(price > 0 && price < Infinity)) checkPrice(price, this.at(), text.slice(c1 + 1, c2));
    const size = decimalAt(text, c2 + 1, c3);
    if (!(size >= 0 && size < Infinity)) checkSize(size, this.at(), text.slice(c2 + 1, c3));

    let exchange: number;
    const lastExchange = this.lastExchange;
    if (c4 - c3 - 1 === lastExchange.length && text.startsWith(lastExchange, c3 + 1)) exchange = this.lastExchangeId;
    else {
      const code = text.slice(c3 + 1, c4).trim();
      exchange = this.builder.exchangeId(code);
      this.lastExchange = text.slice(c3 + 1, c4);
      this.lastExchangeId = exchange;
    }
    let condition: number;
    const lastCondition = this.lastCondition;
    if (c5 - c4 - 1 === lastCondition.length && text.startsWith(lastCondition, c4 + 1)) condition = this.lastConditionId;
    else {
      const code = text.slice(c4 + 1, c5).trim();
      condition = this.builder.conditionId(code);
      this.lastCondition = text.slice(c4 + 1, c5);
      this.lastConditionId = condition;
    }
    let suspicious: number;
    const flag = text.charCodeAt(c5 + 1) - ZERO;
    if (stop - c5 === 2 && (flag === 0 || flag === 1)) suspicious = flag;
    else suspicious = this.suspiciousText(text.slice(c5 + 1, stop));

    if (time < this.lastTime) throw outOfOrder(time, this.lastTime, this.at("timestamp"), this.lastTimeLine);
    this.lastTime = time;
    this.lastTimeLine = this.lineNumber;
    this.builder.push(time, price, size, exchange, condition, suspicious);
    this.kept++;
  }

  private suspiciousText(raw: string): number {
    const value = raw.trim().toLowerCase();
    if (value === "0" || value === "false") return 0;
    if (value === "1" || value === "true") return 1;
    throw new InputError(`suspicious is "${raw}", not 0 or 1`, "Write 1 for a trade the vendor flagged as suspicious, else 0", this.at("suspicious"));
  }

  private newSymbol(raw: string): void {
    this.rawSymbol = ownCopy(raw);
    const symbol = normalizeSymbol(raw);
    if (symbol === "") throw new InputError("the symbol is empty", "Give every row a symbol", this.at("symbol"));
    this.symbolsSeen.add(symbol);
    if (this.wanted !== undefined) {
      this.keep = symbol === this.wanted;
      return;
    }
    if (this.fileSymbol === undefined) {
      this.fileSymbol = symbol;
      this.fileSymbolLine = this.lineNumber;
      this.builder.symbol = symbol;
    } else if (symbol !== this.fileSymbol) {
      throw new InputError(
        `a second symbol, ${symbol}, after ${this.fileSymbol} (line ${this.fileSymbolLine})`,
        "The file holds several symbols: choose one (aibt bars --symbol S)",
        this.at("symbol"),
      );
    }
    this.keep = true;
  }

  /** The epoch ms of text[start, end): fast for `YYYY-MM-DDTHH:MM:SS[.fff]<zone>`, else parseMarketTime. */
  private timeAt(text: string, start: number, end: number): number {
    if (
      end - start >= 19 &&
      text.charCodeAt(start + 16) === COLON &&
      text.charCodeAt(start + 13) === COLON
    ) {
      const second = twoDigits(text, start + 17);
      let pos = start + 19;
      let ms = 0;
      if (text.charCodeAt(pos) === DOT) {
        const a = text.charCodeAt(pos + 1) - ZERO;
        const b = text.charCodeAt(pos + 2) - ZERO;
        const c = text.charCodeAt(pos + 3) - ZERO;
        const d = text.charCodeAt(pos + 4) - ZERO;
        if (a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 && !(d >= 0 && d <= 9)) {
          ms = a * 100 + b * 10 + c;
          pos += 4;
        } else {
          pos = -1; // another number of fraction digits: the general parser rounds them
        }
      }
      if (pos > 0 && second <= 59) {
        const zoneLength = end - pos;
        if (
          this.minutePrefix.length === 16 &&
          zoneLength === this.minuteZone.length &&
          text.startsWith(this.minutePrefix, start) &&
          text.startsWith(this.minuteZone, pos)
        ) {
          return this.minuteEpoch + second * 1000 + ms;
        }
        const prefix = text.slice(start, start + 16);
        const zone = text.slice(pos, end);
        const parsed = parseMarketTime(`${prefix}${zone}`);
        if (parsed) {
          this.minutePrefix = prefix;
          this.minuteZone = zone;
          this.minuteEpoch = parsed.time;
          return parsed.time + second * 1000 + ms;
        }
      }
    }
    const raw = text.slice(start, end);
    const parsed = parseMarketTime(raw);
    if (!parsed) {
      throw new InputError(`timestamp "${raw}" is not a valid time`, TIME_FORMATS, this.at("timestamp"));
    }
    return parsed.time;
  }

  /** After the last block: an empty file, a header alone or a missing symbol is an error. */
  end(): void {
    if (!this.headerSeen) {
      throw new InputError("the tick file is empty", `Give a CSV with the header ${TICK_HEADER} and one trade a line`, { file: this.file });
    }
    if (this.wanted !== undefined && this.kept === 0) {
      const found = [...this.symbolsSeen];
      throw new InputError(
        `no ticks of ${this.wanted}${found.length > 0 ? ` (the file holds ${found.join(", ")})` : ""}`,
        found.length > 0 ? `Choose one of ${found.join(", ")}` : "The file has only a header: add trades",
        { file: this.file },
      );
    }
    if (this.kept === 0) {
      throw new InputError("no ticks: the file has only a header", "Add trades, one a line", { file: this.file });
    }
  }
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > SPACE) return false;
  return true;
}

function openTickFile(file: string): number {
  try {
    const fd = openSync(file, "r");
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    }
    return fd;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError("tick file not found", "Check the --ticks path", { file });
    if (code === "EISDIR") throw new InputError("this is a folder, not a tick file", "Point --ticks at a .csv file", { file });
    throw new InputError(`cannot read the tick file (${code ?? String(error)})`, "Check the file's permissions and the --ticks path", { file });
  }
}

/** Bytes as text: latin1 is the fastest decoder and equals UTF-8 on ASCII, which tick files are. */
function decode(buffer: Buffer, end: number): string {
  const bytes = buffer.subarray(0, end);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** The file as text blocks of whole lines, at most about `chunkBytes` each (a longer line makes a longer block). */
function* textBlocks(file: string, chunkBytes: number): Generator<string> {
  const fd = openTickFile(file);
  try {
    let buffer = Buffer.allocUnsafe(Math.max(64, Math.floor(chunkBytes)));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // A line longer than the buffer: make room for it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      let read: number;
      try {
        read = readSync(fd, buffer, filled, buffer.length - filled, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EISDIR") throw new InputError("this is a folder, not a tick file", "Point --ticks at a .csv file", { file });
        throw new InputError(`cannot read the tick file (${code ?? String(error)})`, "Check the file and the --ticks path", { file });
      }
      const end = filled + read;
      if (read === 0) {
        if (end > 0) yield decode(buffer, end);
        return;
      }
      const newline = buffer.lastIndexOf(LF, end - 1);
      if (newline < 0) {
        filled = end;
        continue;
      }
      yield decode(buffer, newline + 1);
      buffer.copy(buffer, 0, newline + 1, end);
      filled = end - newline - 1;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a tick file block by block and yields the trades of each block as TradeTicks (blocks with no
 * kept trades are skipped). Memory stays at one block of text and one chunk of columns. Condition and
 * exchange indices mean the same in every chunk (the dictionaries only grow). Errors are InputErrors
 * naming the file, line and field; they surface when the generator reaches the bad row.
 */
export function* readTickChunks(file: string, options: TickReadOptions = {}): Generator<TradeTicks, void, undefined> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const builder = new TradeTicksBuilder("", Math.ceil(chunkBytes / 40));
  const parser = new TickCsvParser(file, builder, options);
  for (const text of textBlocks(file, chunkBytes)) {
    parser.feed(text);
    if (builder.length > 0) {
      const chunk = builder.build();
      builder.clear();
      yield chunk;
    }
  }
  parser.end();
}

/** Reads a whole tick file into columns (see readTickChunks for the streaming form). */
export function readTickFile(file: string, options: TickReadOptions = {}): TradeTicks {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  let sizeHint = 4096;
  try {
    const fd = openTickFile(file);
    sizeHint = fstatSync(fd).size / 45;
    closeSync(fd);
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  const builder = new TradeTicksBuilder("", options.symbol === undefined ? sizeHint : 4096);
  const parser = new TickCsvParser(file, builder, options);
  for (const text of textBlocks(file, chunkBytes)) parser.feed(text);
  parser.end();
  return builder.build();
}

/** Parses tick CSV text already in memory; `file` names it in errors. */
export function parseTickCsv(text: string, file: string, options: TickReadOptions = {}): TradeTicks {
  const builder = new TradeTicksBuilder("", text.length / 45);
  const parser = new TickCsvParser(file, builder, options);
  parser.feed(text);
  parser.end();
  return builder.build();
}

/** The trades of ticks[from, to) as TradeTicks sharing the dictionaries (views, not copies). */
export function sliceTicks(ticks: TradeTicks, from: number, to: number): TradeTicks {
  const start = Math.max(0, Math.min(from, ticks.length));
  const end = Math.max(start, Math.min(to, ticks.length));
  return {
    symbol: ticks.symbol,
    length: end - start,
    time: ticks.time.subarray(start, end),
    price: ticks.price.subarray(start, end),
    size: ticks.size.subarray(start, end),
    condition: ticks.condition.subarray(start, end),
    conditions: ticks.conditions,
    exchange: ticks.exchange.subarray(start, end),
    exchanges: ticks.exchanges,
    suspicious: ticks.suspicious.subarray(start, end),
  };
}
