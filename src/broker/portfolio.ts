/**
 * Cash, positions and the round trips they make. Quantities are signed (short < 0); a trip runs from
 * flat to flat, and its P&L is the net of every cash flow in it, commissions included.
 */
import type { Instrument } from "../data/symbols";
import type { Fill, RoundTrip } from "../model/order";

/** What strategies may read of the portfolio. */
export interface PortfolioView {
  readonly cash: number;
  readonly initialCash: number;
  /** Signed quantity held (0 when flat). */
  position(handle: number): number;
}

interface OpenTrip {
  side: "long" | "short";
  entryStep: number;
  entryTime: number;
  entryQuantity: number;
  entryNotional: number;
  exitQuantity: number;
  exitNotional: number;
  maxQuantity: number;
  cashFlow: number;
}

/** Positions this close to zero are dust from fractional arithmetic, not holdings. */
const DUST = 1e-9;

export class Portfolio implements PortfolioView {
  // Initialized with a number (not left undefined) so V8 stores it unboxed: it is read every bar.
  cash = 0;
  readonly quantity: Float64Array;
  readonly roundTrips: RoundTrip[] = [];
  /** Sum of |quantity x price| over all fills, for turnover. */
  tradedNotional = 0;
  commissionPaid = 0;
  private readonly trips: (OpenTrip | undefined)[];

  constructor(
    readonly initialCash: number,
    private readonly instruments: readonly Instrument[],
  ) {
    this.cash = initialCash;
    this.quantity = new Float64Array(instruments.length);
    this.trips = new Array(instruments.length).fill(undefined);
  }

  position(handle: number): number {
    return this.quantity[handle]!;
  }

  /** Cash plus every position marked at `marks` (one price per instrument). */
  equity(marks: ArrayLike<number>): number {
    let value = this.cash;
    for (let h = 0; h < this.quantity.length; h++) {
      const q = this.quantity[h]!;
      if (q !== 0) value += q * marks[h]!;
    }
    return value;
  }

  apply(handle: number, fill: Fill): void {
    const notional = fill.quantity * fill.price;
    // The same arithmetic as the reference loop, so results agree to the last bit.
    if (fill.side === "buy") this.cash -= notional + fill.commission;
    else this.cash += notional - fill.commission;
    this.tradedNotional += notional;
    this.commissionPaid += fill.commission;

    const before = this.quantity[handle]!;
    const signed = fill.side === "buy" ? fill.quantity : -fill.quantity;
    let after = before + signed;
    if (Math.abs(after) < DUST) after = 0;
    this.quantity[handle] = after;

    const flips = before !== 0 && after !== 0 && Math.sign(before) !== Math.sign(after);
    if (!flips) {
      this.track(handle, fill, fill.quantity, fill.commission, before, after);
      return;
    }
    // A fill through zero closes one trip and opens another: split it and its commission.
    const closing = Math.abs(before);
    const share = closing / fill.quantity;
    this.track(handle, fill, closing, fill.commission * share, before, 0);
    this.track(handle, fill, fill.quantity - closing, fill.commission * (1 - share), 0, after);
  }

  private track(handle: number, fill: Fill, quantity: number, commission: number, before: number, after: number): void {
    const notional = quantity * fill.price;
    let trip = this.trips[handle];
    if (!trip) {
      trip = {
        side: after > 0 ? "long" : "short",
        entryStep: fill.step,
        entryTime: fill.time,
        entryQuantity: 0,
        entryNotional: 0,
        exitQuantity: 0,
        exitNotional: 0,
        maxQuantity: 0,
        cashFlow: 0,
      };
      this.trips[handle] = trip;
    }
    trip.cashFlow += (fill.side === "buy" ? -notional : notional) - commission;
    const opening = Math.abs(after) > Math.abs(before);
    if (opening) {
      trip.entryQuantity += quantity;
      trip.entryNotional += notional;
    } else {
      trip.exitQuantity += quantity;
      trip.exitNotional += notional;
    }
    trip.maxQuantity = Math.max(trip.maxQuantity, Math.abs(after));
    if (after === 0) {
      this.roundTrips.push({
        symbol: this.instruments[handle]!.symbol,
        side: trip.side,
        entryTime: trip.entryTime,
        exitTime: fill.time,
        entryStep: trip.entryStep,
        exitStep: fill.step,
        quantity: trip.maxQuantity,
        entryPrice: trip.entryNotional / trip.entryQuantity,
        exitPrice: trip.exitNotional / trip.exitQuantity,
        pnl: trip.cashFlow,
        returnPct: trip.cashFlow / trip.entryNotional,
      });
      this.trips[handle] = undefined;
    }
  }
}
