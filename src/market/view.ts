/**
 * The point-in-time view: the ONLY way a strategy or agent sees prices. It is positioned at the run's
 * current step and answers nothing after it: asking for a bar ahead of the clock throws, so a
 * look-ahead bug fails loudly instead of producing a beautiful, impossible backtest.
 */
import { normalizeSymbol } from "../data/symbols";
import { InputError } from "../errors";
import type { Market } from "./market";

export class LookAheadError extends Error {
  override readonly name = "LookAheadError";
}

export interface HistoryWindow {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export class MarketView {
  private current = -1;
  private readonly handles = new Map<string, number>();
  /** Symbols in handle order: `symbols[handle]`. */
  readonly symbols: readonly string[];
  // Each field as one flat column, instrument after instrument (index handle * stride + step):
  // strategies read them every bar, and one typed-array load is much cheaper than an array of arrays.
  private readonly stride: number;
  private readonly opens: Float64Array;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly closes: Float64Array;
  private readonly volumes: Float64Array;

  constructor(private readonly market: Market) {
    this.stride = market.length;
    this.opens = flatten(market.open);
    this.highs = flatten(market.high);
    this.lows = flatten(market.low);
    this.closes = flatten(market.close);
    this.volumes = flatten(market.volume);
    this.symbols = market.instruments.map((instrument) => instrument.symbol);
    this.symbols.forEach((symbol, index) => this.handles.set(symbol, index));
  }

  /** Moves the clock; only the run loop calls this, and only forward. */
  advanceTo(step: number): void {
    this.current = step;
  }

  get step(): number {
    return this.current;
  }

  get time(): number {
    return this.market.time[this.current]!;
  }

  get day(): number {
    return this.market.day[this.current]!;
  }

  get minute(): number {
    return this.market.minute[this.current]!;
  }

  /** The handle of a symbol (any spelling), for fast repeated lookups. */
  handle(symbol: string): number {
    const index = this.handles.get(normalizeSymbol(symbol));
    if (index === undefined) {
      throw new InputError(`unknown symbol ${symbol}`, `Use one of: ${this.symbols.slice(0, 20).join(", ")}`);
    }
    return index;
  }

  /** Whether a symbol is in this market. */
  has(symbol: string): boolean {
    return this.handles.has(normalizeSymbol(symbol));
  }

  // The accessors are kept tiny (the error path lives in `outside`) so V8 inlines them into a
  // strategy's per-bar code; a call it does not inline returns its number boxed: one allocation a call.

  /** Close `ago` bars back (0 = the current bar); NaN before the first bar or where the symbol has no bar. */
  close(handle: number, ago = 0): number {
    const i = this.current - ago;
    return ago >= 0 && i >= 0 ? this.closes[handle * this.stride + i]! : outside(ago);
  }

  open(handle: number, ago = 0): number {
    const i = this.current - ago;
    return ago >= 0 && i >= 0 ? this.opens[handle * this.stride + i]! : outside(ago);
  }

  high(handle: number, ago = 0): number {
    const i = this.current - ago;
    return ago >= 0 && i >= 0 ? this.highs[handle * this.stride + i]! : outside(ago);
  }

  low(handle: number, ago = 0): number {
    const i = this.current - ago;
    return ago >= 0 && i >= 0 ? this.lows[handle * this.stride + i]! : outside(ago);
  }

  volume(handle: number, ago = 0): number {
    const i = this.current - ago;
    return ago >= 0 && i >= 0 ? this.volumes[handle * this.stride + i]! : outside(ago);
  }

  /** The latest known close at or before now (skipping steps where the symbol had no bar). */
  lastPrice(handle: number): number {
    const base = handle * this.stride;
    for (let i = this.current; i >= 0; i--) {
      const price = this.closes[base + i]!;
      if (price === price) return price;
    }
    return NaN;
  }

  /** Copies of the last `count` bars up to and including now. */
  history(handle: number, count: number): HistoryWindow {
    const end = this.current + 1;
    const start = Math.max(0, end - Math.max(0, Math.floor(count)));
    const m = this.market;
    return {
      time: m.time.slice(start, end),
      open: m.open[handle]!.slice(start, end),
      high: m.high[handle]!.slice(start, end),
      low: m.low[handle]!.slice(start, end),
      close: m.close[handle]!.slice(start, end),
      volume: m.volume[handle]!.slice(start, end),
    };
  }
}

/** A bar before the first one is NaN; a bar after now (or a nonsense offset) is look-ahead: it throws. */
function outside(ago: number): number {
  if (ago >= 0) return NaN;
  throw new LookAheadError(`bar ${ago} is after the current bar: the future is not visible`);
}

/** One column per instrument, end to end; a single column is used as it is (no copy). */
function flatten(columns: readonly Float64Array[]): Float64Array {
  if (columns.length === 1) return columns[0]!;
  const stride = columns[0]?.length ?? 0;
  const flat = new Float64Array(stride * columns.length);
  columns.forEach((column, handle) => flat.set(column, handle * stride));
  return flat;
}
