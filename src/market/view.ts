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
  // The columns, held directly: strategies read them every bar, so one indirection less matters.
  private readonly opens: readonly Float64Array[];
  private readonly highs: readonly Float64Array[];
  private readonly lows: readonly Float64Array[];
  private readonly closes: readonly Float64Array[];
  private readonly volumes: readonly Float64Array[];

  constructor(private readonly market: Market) {
    this.opens = market.open;
    this.highs = market.high;
    this.lows = market.low;
    this.closes = market.close;
    this.volumes = market.volume;
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

  private index(ago: number): number {
    if (!(ago >= 0)) throw new LookAheadError(`bar ${ago} is after the current bar: the future is not visible`);
    return this.current - ago;
  }

  /** Close `ago` bars back (0 = the current bar); NaN before the first bar or where the symbol has no bar. */
  close(handle: number, ago = 0): number {
    const i = this.index(ago);
    return i >= 0 ? this.closes[handle]![i]! : NaN;
  }

  open(handle: number, ago = 0): number {
    const i = this.index(ago);
    return i >= 0 ? this.opens[handle]![i]! : NaN;
  }

  high(handle: number, ago = 0): number {
    const i = this.index(ago);
    return i >= 0 ? this.highs[handle]![i]! : NaN;
  }

  low(handle: number, ago = 0): number {
    const i = this.index(ago);
    return i >= 0 ? this.lows[handle]![i]! : NaN;
  }

  volume(handle: number, ago = 0): number {
    const i = this.index(ago);
    return i >= 0 ? this.volumes[handle]![i]! : NaN;
  }

  /** The latest known close at or before now (skipping steps where the symbol had no bar). */
  lastPrice(handle: number): number {
    const closes = this.closes[handle]!;
    for (let i = this.current; i >= 0; i--) {
      const price = closes[i]!;
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
