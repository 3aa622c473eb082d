/**
 * What a model is to the engine: something that looks at the market through the point-in-time view
 * and places orders through the context. Coded strategies and the LLM agent are both Strategies.
 */
import type { PortfolioView } from "../broker/portfolio";
import type { MarketView } from "../market/view";
import type { BlockedOrder, BlockRule, Order, OrderRequest, Side } from "../model/order";
import type { DecisionRecord } from "../run/step-record";

export type SubmitResult = { ok: true; order: Order } | { ok: false; blocked: BlockedOrder };

export interface StrategyContext {
  readonly view: MarketView;
  readonly portfolio: PortfolioView;
  /** Equity now: cash plus positions at the latest closes. */
  equity(): number;
  /** Places an order from untrusted input (validated; refusals are recorded and returned). */
  submit(request: OrderRequest): SubmitResult;
  /** Market buy; `target` is a symbol or a handle from `view.handle`. */
  buy(target: string | number, quantity: number | "all", reason?: string): SubmitResult;
  /** Market sell; "all" closes the position. */
  sell(target: string | number, quantity: number | "all", reason?: string): SubmitResult;
  cancel(orderId: number): boolean;
  openOrders(): readonly Order[];
  /** Records an order refused before it was placed (e.g. by a tool's own checks), with its reason. */
  refuse(symbol: string, side: Side | "unknown", quantity: number | "all" | null, rule: BlockRule, reason: string): SubmitResult;
  /** Attaches the decision (and its reasoning and LLM exchanges) to the current step's record. */
  recordDecision(record: DecisionRecord): void;
}

export interface Strategy {
  readonly name: string;
  /** Called once before the first bar (the view is not positioned yet). */
  init?(ctx: StrategyContext): void | Promise<void>;
  /** Called once per bar, after the bar closed. An async strategy (an LLM) returns a promise. */
  onBar(ctx: StrategyContext, signal?: AbortSignal): void | Promise<void>;
}
