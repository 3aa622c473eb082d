/**
 * Orders, fills and blocked orders. An order request is external input (a strategy, an LLM tool call,
 * an MCP client), so it has a zod schema; the records the engine writes are plain types.
 */
import { z } from "zod";

export const SideSchema = z.enum(["buy", "sell"]);
export type Side = z.infer<typeof SideSchema>;

export const OrderTypeSchema = z.enum(["market", "limit", "stop"]);
export type OrderType = z.infer<typeof OrderTypeSchema>;

export const OrderRequestSchema = z
  .object({
    symbol: z.string().min(1, "symbol is empty"),
    side: SideSchema,
    type: OrderTypeSchema.default("market"),
    /** Shares or units, or "all": a buy spends all cash (less commission), a sell closes the position. */
    quantity: z.union([z.number().positive("quantity must be greater than 0"), z.literal("all")]),
    limitPrice: z.number().positive().optional(),
    stopPrice: z.number().positive().optional(),
    /** "day" orders expire at the end of the trading day they were placed on. */
    timeInForce: z.enum(["gtc", "day"]).default("gtc"),
    /** Why the strategy placed it; kept with the order and its fills. */
    reason: z.string().optional(),
    /** Resubmitting an order with a key already seen in the run is a no-op. */
    idempotencyKey: z.string().optional(),
    /**
     * A bracket: once this entry fills, a protective stop and a profit target are placed for the
     * filled quantity; when one fills, the other is cancelled (OCO).
     */
    stopLoss: z.number().positive().optional(),
    takeProfit: z.number().positive().optional(),
  })
  .superRefine((order, ctx) => {
    if (order.type === "limit" && order.limitPrice === undefined) {
      ctx.addIssue({ code: "custom", path: ["limitPrice"], message: "a limit order needs limitPrice" });
    }
    if (order.type === "stop" && order.stopPrice === undefined) {
      ctx.addIssue({ code: "custom", path: ["stopPrice"], message: "a stop order needs stopPrice" });
    }
    const { stopLoss, takeProfit } = order;
    if (stopLoss !== undefined && takeProfit !== undefined) {
      const long = order.side === "buy";
      if (long ? stopLoss >= takeProfit : stopLoss <= takeProfit) {
        ctx.addIssue({
          code: "custom",
          path: ["stopLoss"],
          message: long ? `a long bracket needs stopLoss (${stopLoss}) below takeProfit (${takeProfit})` : `a short bracket needs stopLoss (${stopLoss}) above takeProfit (${takeProfit})`,
        });
      }
    }
  });

export type OrderRequest = z.input<typeof OrderRequestSchema>;
export type ValidOrderRequest = z.output<typeof OrderRequestSchema>;

export type OrderStatus = "open" | "filled" | "cancelled" | "rejected";

export interface Order extends ValidOrderRequest {
  readonly id: number;
  /** Bracket legs: the entry they protect, and the group whose other member they cancel. */
  readonly parentId?: number;
  readonly ocoGroup?: number;
  /** Index of the instrument in the run's market. */
  readonly instrument: number;
  readonly submittedStep: number;
  readonly submittedTime: number;
  readonly submittedDay: number;
  status: OrderStatus;
}

export interface Fill {
  readonly orderId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Execution price after slippage. */
  readonly price: number;
  readonly commission: number;
  readonly step: number;
  readonly time: number;
  readonly reason: string | undefined;
}

/** Which guard or broker rule stopped an order. */
export type BlockRule =
  | "invalid-order"
  | "unknown-symbol"
  | "allowed-tickers"
  | "max-position"
  | "max-trades-per-day"
  | "daily-loss-cap"
  | "session-window"
  | "quantity"
  | "insufficient-cash"
  | "no-position";

/** An order the risk guard or the broker refused, with the reason a person can read. */
export interface BlockedOrder {
  readonly step: number;
  readonly time: number;
  readonly symbol: string;
  readonly side: Side | "unknown";
  readonly quantity: number | "all" | null;
  readonly rule: BlockRule;
  readonly reason: string;
}

/** A position opened from flat and closed back to flat. */
export interface RoundTrip {
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryStep: number;
  readonly exitStep: number;
  /** Largest absolute size held during the trip. */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Net of commissions. */
  readonly pnl: number;
  readonly returnPct: number;
}
