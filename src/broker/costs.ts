/**
 * Commission and slippage models. Each commission model also answers "how many units can this cash
 * buy", because sizing an all-cash buy must include the fee it will pay.
 */
import { z } from "zod";

export const CommissionSchema = z.discriminatedUnion("kind", [
  /** A fraction of the notional, e.g. 0.001 = 10 bps. */
  z.object({ kind: z.literal("percent"), rate: z.number().min(0).max(0.5) }),
  z.object({ kind: z.literal("per-share"), perShare: z.number().min(0), minimum: z.number().min(0).default(0) }),
  z.object({ kind: z.literal("fixed"), amount: z.number().min(0) }),
]);
export type Commission = z.output<typeof CommissionSchema>;

export function commissionFor(model: Commission, quantity: number, price: number): number {
  switch (model.kind) {
    case "percent":
      return quantity * price * model.rate;
    case "per-share":
      return Math.max(model.minimum, quantity * model.perShare);
    case "fixed":
      return model.amount;
  }
}

/** The largest (unrounded) quantity whose cost plus commission fits in `cash`. */
export function affordableQuantity(model: Commission, cash: number, price: number): number {
  if (cash <= 0) return 0;
  switch (model.kind) {
    case "percent":
      return cash / (price * (1 + model.rate));
    case "per-share": {
      const proportional = cash / (price + model.perShare);
      return proportional * model.perShare >= model.minimum ? proportional : Math.max(0, (cash - model.minimum) / price);
    }
    case "fixed":
      return Math.max(0, (cash - model.amount) / price);
  }
}

/** Slippage in basis points, always against the trader: buys pay more, sells receive less. */
export function slipped(price: number, side: "buy" | "sell", bps: number): number {
  if (bps === 0) return price;
  return side === "buy" ? price * (1 + bps / 10_000) : price * (1 - bps / 10_000);
}
