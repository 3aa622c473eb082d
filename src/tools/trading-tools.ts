/**
 * The tools a trading model uses inside a run: prices, history, indicators, a calculator, the
 * portfolio, buy and sell. They see the market only through the run's point-in-time view, so they can
 * return nothing after the simulated clock; orders go through `ctx.submit`, so the risk guard and the
 * broker apply to an LLM exactly as to a coded strategy.
 */
import { z } from "zod";
import { formatMarketTime } from "../data/calendar";
import { instrumentOf } from "../data/symbols";
import { ema, last, rateOfChange, rollingVolatility, rsi, sma } from "../indicators";
import type { MarketView } from "../market/view";
import type { BlockRule, Side } from "../model/order";
import { evaluate } from "./calculator";
import { ToolError, defineTool } from "./tool";
import type { Tool, ToolContext, TradingToolContext } from "./tool";

const POINT_IN_TIME =
  "Point in time: 'now' is the simulated clock of the run; the current bar has closed (its close is known) and nothing after it is visible.";
const TIME = "ISO 8601 with the New York offset; a bar is stamped with its start, so a daily bar shows 09:30";

const SymbolArg = z.string({ error: "symbol must be a ticker string such as \"AAPL\"" }).trim().min(1, "symbol is empty").describe("Ticker as listed in this run, e.g. AAPL or BTC/USD (any spelling of a crypto pair works)");

const BarSchema = z.object({
  time: z.string().describe(TIME),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

function trading(context: ToolContext): TradingToolContext {
  if (!context.trading) throw new ToolError("this tool works inside a backtest or replay, and none is running here");
  return context.trading;
}

/** The handle of a symbol in this run, or a refusal that lists what the run has. */
function handleOf(view: MarketView, symbol: string): number {
  if (!view.has(symbol)) {
    const some = view.symbols.slice(0, 20);
    const more = view.symbols.length > some.length ? ` and ${view.symbols.length - some.length} more` : "";
    throw new ToolError(`unknown symbol "${symbol}": this run has ${some.join(", ")}${more}`);
  }
  return view.handle(symbol);
}

/**
 * How many steps back (0 = now) cover the symbol's last `count` bars: in a market of several symbols a
 * step where one has no bar holds NaN for it, and those steps are skipped, not reported as bars.
 */
function stepsCovering(view: MarketView, handle: number, count: number): { span: number; found: number } {
  let found = 0;
  let ago = 0;
  for (; ago <= view.step && found < count; ago++) {
    const close = view.close(handle, ago);
    if (close === close) found++;
  }
  return { span: ago, found };
}

/** The symbol's last `count` bars up to now, oldest first. */
function recentBars(view: MarketView, handle: number, count: number): z.output<typeof BarSchema>[] {
  const { span } = stepsCovering(view, handle, count);
  const window = view.history(handle, span);
  const bars: z.output<typeof BarSchema>[] = [];
  for (let i = 0; i < window.time.length; i++) {
    const close = window.close[i]!;
    if (close !== close) continue;
    bars.push({ time: formatMarketTime(window.time[i]!), open: window.open[i]!, high: window.high[i]!, low: window.low[i]!, close, volume: window.volume[i]! });
  }
  return bars;
}

export const getPriceTool = defineTool({
  name: "get_price",
  title: "Latest bar",
  description: `The latest closed bar of a symbol: time (${TIME}), open, high, low, close (in the symbol's quote currency) and volume (shares or units). ${POINT_IN_TIME} If the symbol has no bar at this step, its latest earlier bar is returned (compare its time with now).`,
  input: z.strictObject({ symbol: SymbolArg }),
  output: z.object({ symbol: z.string() }).extend(BarSchema.shape),
  kind: "trading",
  writes: false,
  handler({ symbol }, context) {
    const { view } = trading(context).ctx;
    const handle = handleOf(view, symbol);
    const bar = recentBars(view, handle, 1)[0];
    if (!bar) throw new ToolError(`${view.symbols[handle]} has no bar yet at ${formatMarketTime(view.time)}`);
    return { symbol: view.symbols[handle]!, ...bar };
  },
});

export const getHistoryTool = defineTool({
  name: "get_history",
  title: "Price history",
  description: `The symbol's last N bars (oldest first) ending at the current bar: time (${TIME}), open, high, low, close, volume. ${POINT_IN_TIME} Fewer bars come back when the run has not reached that many yet.`,
  input: z.strictObject({
    symbol: SymbolArg,
    bars: z
      .number({ error: "bars must be a whole number from 1 to 500" })
      .int("bars must be a whole number from 1 to 500")
      .min(1, "bars must be at least 1")
      .max(500, "bars must be at most 500")
      .default(20)
      .describe("How many bars, 1 to 500 (default 20)"),
  }),
  output: z.object({ symbol: z.string(), bars: z.array(BarSchema) }),
  kind: "trading",
  writes: false,
  handler({ symbol, bars }, context) {
    const { view } = trading(context).ctx;
    const handle = handleOf(view, symbol);
    return { symbol: view.symbols[handle]!, bars: recentBars(view, handle, bars) };
  },
});

const INDICATORS = {
  sma: sma,
  ema: ema,
  rsi: rsi,
  roc: rateOfChange,
  volatility: rollingVolatility,
} as const;

export const getIndicatorTool = defineTool({
  name: "get_indicator",
  title: "Indicator",
  description:
    "A technical indicator over the symbol's closes up to the current bar, its value at the current bar. " +
    "sma: simple moving average of the last `period` closes (price). ema: exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period` closes (price). " +
    "rsi: Wilder's relative strength index, 0 to 100. roc: rate of change over `period` bars as a fraction (0.05 = up 5%). " +
    "volatility: sample standard deviation of the last `period` per-bar simple returns, as a fraction per bar (not annualized). " +
    `value is null when there is not enough history yet. time is the bar the value is for. ${POINT_IN_TIME}`,
  input: z.strictObject({
    symbol: SymbolArg,
    indicator: z.enum(["sma", "ema", "rsi", "roc", "volatility"], { error: 'indicator must be one of "sma", "ema", "rsi", "roc", "volatility"' }).describe("Which indicator"),
    period: z
      .number({ error: "period must be a whole number from 2 to 200" })
      .int("period must be a whole number from 2 to 200")
      .min(2, "period must be at least 2")
      .max(200, "period must be at most 200")
      .describe("Lookback in bars, 2 to 200"),
  }),
  output: z.object({ symbol: z.string(), indicator: z.enum(["sma", "ema", "rsi", "roc", "volatility"]), period: z.number(), value: z.number().nullable(), time: z.string() }),
  kind: "trading",
  writes: false,
  handler({ symbol, indicator, period }, context) {
    const { view } = trading(context).ctx;
    const handle = handleOf(view, symbol);
    // The symbol's own closes from the first bar to now (steps without its bar left out): EMA and RSI
    // are recursive, so their value depends on the whole history, as it would on a chart.
    const closes = new Float64Array(view.step + 1);
    let n = 0;
    let latest = -1;
    for (let ago = view.step; ago >= 0; ago--) {
      const close = view.close(handle, ago);
      if (close !== close) continue;
      closes[n++] = close;
      latest = ago;
    }
    if (n === 0) throw new ToolError(`${view.symbols[handle]} has no bar yet at ${formatMarketTime(view.time)}`);
    const value = last(INDICATORS[indicator](closes.subarray(0, n), period));
    const time = view.history(handle, latest + 1).time[0]!;
    return { symbol: view.symbols[handle]!, indicator, period, value: Number.isFinite(value) ? value : null, time: formatMarketTime(time) };
  },
});

export const calculateTool = defineTool({
  name: "calculate",
  title: "Calculator",
  description:
    "Evaluates an arithmetic expression exactly as written, e.g. `floor(10000 / 187.5)` or `round(1500 * 1.02 ^ 3, 2)`. " +
    "Numbers (1.5, 2e-3), + - * / % ^ (power, right-associative), parentheses, functions min, max, abs, sqrt, round(x, digits), floor, ceil, log (natural), exp, pow; constants pi, e. " +
    "No variables: put the numbers in. At most 500 characters.",
  input: z.strictObject({ expression: z.string({ error: "expression must be a string such as \"2 * (3 + 4)\"" }).describe("The arithmetic expression") }),
  output: z.object({ value: z.number() }),
  kind: "utility",
  writes: false,
  handler({ expression }) {
    try {
      return { value: evaluate(expression) };
    } catch (error) {
      // The calculator's message names the position and the problem: exactly what the model needs.
      throw new ToolError(`cannot calculate "${expression.length > 80 ? `${expression.slice(0, 80)}...` : expression}": ${(error as Error).message}`);
    }
  },
});

export const getPortfolioTool = defineTool({
  name: "get_portfolio",
  title: "Portfolio",
  description:
    "The account now: cash, equity (cash plus positions at their latest closes), positions (quantity, latest close as price, value = quantity x price; negative quantity is short) and open orders not filled yet. Money in the account currency. " +
    POINT_IN_TIME,
  input: z.strictObject({}),
  output: z.object({
    time: z.string(),
    cash: z.number(),
    equity: z.number(),
    positions: z.array(z.object({ symbol: z.string(), quantity: z.number(), price: z.number(), value: z.number() })),
    openOrders: z.array(z.object({ id: z.number(), symbol: z.string(), side: z.enum(["buy", "sell"]), quantity: z.union([z.number(), z.literal("all")]), type: z.enum(["market", "limit", "stop"]) })),
  }),
  kind: "trading",
  writes: false,
  handler(_input, context) {
    const { ctx } = trading(context);
    const { view, portfolio } = ctx;
    const positions = [];
    for (let handle = 0; handle < view.symbols.length; handle++) {
      const quantity = portfolio.position(handle);
      if (quantity === 0) continue;
      const price = view.lastPrice(handle);
      positions.push({ symbol: view.symbols[handle]!, quantity, price, value: quantity * price });
    }
    return {
      time: formatMarketTime(view.time),
      cash: portfolio.cash,
      equity: ctx.equity(),
      positions,
      openOrders: ctx.openOrders().map((order) => ({ id: order.id, symbol: order.symbol, side: order.side, quantity: order.quantity, type: order.type })),
    };
  },
});

const QuantityArg = z
  .number({ error: "quantity must be a number of shares or units, e.g. 10" })
  .positive("quantity must be greater than 0");
const ReasonArg = z.string().max(2000).optional().describe("Why, in a sentence: kept with the order and its fill");
const OrderOutput = z.object({
  status: z.literal("accepted"),
  orderId: z.number(),
  symbol: z.string(),
  side: z.enum(["buy", "sell"]),
  quantity: z.union([z.number(), z.literal("all")]),
  fills: z.string().describe("When the order fills"),
});

const money = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Places a market order after the checks the model should hear about at once (a whole-share stock, the
 * cash, the position); `ctx.submit` then applies the risk guard and records its own refusals.
 */
function placeOrder(context: ToolContext, side: Side, symbol: string, quantity: number | "all", reason: string | undefined) {
  const tools = trading(context);
  const { ctx } = tools;
  const { view } = ctx;
  const request = { symbol, side, type: "market" as const, quantity, ...(reason !== undefined ? { reason } : {}) };
  if (view.has(symbol)) {
    const handle = view.handle(symbol);
    const refusal = preTradeCheck(tools, handle, side, quantity);
    if (refusal) {
      tools.recordBlocked?.({ step: view.step, time: view.time, symbol: view.symbols[handle]!, side, quantity, rule: refusal.rule, reason: refusal.reason });
      throw new ToolError(`${side} refused: ${refusal.reason}`);
    }
  }
  // An unknown symbol or a ticker outside the allowed list is refused (and recorded) by submit itself.
  const result = ctx.submit(request);
  if (!result.ok) throw new ToolError(`${side} refused: ${result.blocked.reason}`);
  const { order } = result;
  return { status: "accepted" as const, orderId: order.id, symbol: order.symbol, side: order.side, quantity: order.quantity, fills: tools.fillNote };
}

function preTradeCheck(tools: TradingToolContext, handle: number, side: Side, quantity: number | "all"): { rule: BlockRule; reason: string } | undefined {
  const { ctx } = tools;
  const { view, portfolio } = ctx;
  const symbol = view.symbols[handle]!;
  const fractional = instrumentOf(symbol).fractional || tools.fractionalShares === true;
  if (quantity !== "all" && !fractional && !Number.isInteger(quantity)) {
    return { rule: "quantity", reason: `${symbol} trades in whole shares only; ${quantity} is not a whole number (use ${Math.floor(quantity) || 1} or another whole number)` };
  }
  const held = portfolio.position(handle);
  const open = ctx.openOrders();
  if (side === "buy") {
    const price = view.lastPrice(handle);
    // A buy that covers a short is not limited by cash (the broker does not check it either).
    if (quantity === "all" || held < 0 || !(price > 0)) return undefined;
    let committed = 0;
    for (const order of open) {
      if (order.side !== "buy") continue;
      committed += order.quantity === "all" ? portfolio.cash : order.quantity * (order.limitPrice ?? order.stopPrice ?? view.lastPrice(order.instrument));
    }
    const available = Math.max(0, portfolio.cash - committed);
    const cost = quantity * price;
    if (cost > available * (1 + 1e-9)) {
      const affordable = fractional ? available / price : Math.floor(available / price);
      const committedText = committed > 0 ? ` after ${money(committed)} committed to open buy orders` : "";
      return {
        rule: "insufficient-cash",
        reason: `buying ${quantity} ${symbol} at about ${money(price)} (the last close) costs about ${money(cost)} before commission; available cash is ${money(available)}${committedText}, enough for about ${fractional ? affordable.toFixed(4) : affordable} ${symbol}`,
      };
    }
    return undefined;
  }
  if (tools.allowShort === true) return undefined;
  let selling = 0;
  for (const order of open) {
    if (order.instrument === handle && order.side === "sell") selling += order.quantity === "all" ? Math.max(0, held) : order.quantity;
  }
  const available = held - selling;
  const pendingText = selling > 0 ? ` (${selling} of the ${held} held are already in open sell orders)` : "";
  if (quantity === "all") {
    return available > 0 ? undefined : { rule: "no-position", reason: held > 0 ? `no ${symbol} left to sell${pendingText}` : `no ${symbol} position to sell` };
  }
  if (quantity > available + 1e-9) {
    return { rule: "no-position", reason: `selling ${quantity} ${symbol} exceeds the ${Math.max(0, available)} that can be sold${pendingText || ` (held: ${held})`}, and short selling is off` };
  }
  return undefined;
}

function fillsNote(context: ToolContext): string | undefined {
  return context.trading ? `In this run, orders fill ${context.trading.fillNote}.` : undefined;
}

const ORDER_RULES =
  "A market order: it fills when this run's fill rule says (stated in the result's `fills`), and can still be refused at the fill (e.g. if the price moved and the cash no longer covers it). " +
  "Refused at once, with the reason: an unknown symbol, a ticker outside this model's allowed list, other risk limits (position size, trades per day, daily loss, session hours), ";

export const buyTool = defineTool({
  name: "buy",
  title: "Buy",
  description:
    "Buys `quantity` shares or units of a symbol at market. " +
    ORDER_RULES +
    "a fractional quantity of a stock (whole shares only), or an estimated cost (quantity x the last close) above the available cash. " +
    POINT_IN_TIME,
  input: z.strictObject({ symbol: SymbolArg, quantity: QuantityArg.describe("Shares or units to buy, greater than 0 (whole shares for stocks)"), reason: ReasonArg }),
  output: OrderOutput,
  kind: "trading",
  writes: true,
  contextNote: fillsNote,
  handler({ symbol, quantity, reason }, context) {
    return placeOrder(context, "buy", symbol, quantity, reason);
  },
});

export const sellTool = defineTool({
  name: "sell",
  title: "Sell",
  description:
    'Sells `quantity` shares or units of a symbol at market, or "all" to close the position. ' +
    ORDER_RULES +
    "a fractional quantity of a stock, or more than is held (short selling is off unless the run allows it). " +
    POINT_IN_TIME,
  input: z.strictObject({
    symbol: SymbolArg,
    quantity: z.union([QuantityArg, z.literal("all")], { error: 'quantity must be a number greater than 0 or "all"' }).describe('Shares or units to sell, greater than 0, or "all" to close the position'),
    reason: ReasonArg,
  }),
  output: OrderOutput,
  kind: "trading",
  writes: true,
  contextNote: fillsNote,
  handler({ symbol, quantity, reason }, context) {
    return placeOrder(context, "sell", symbol, quantity, reason);
  },
});

/** Everything a trading model may call during a run, in the order a model would usually need them. */
export const TRADING_TOOLS: readonly Tool[] = [getPriceTool, getHistoryTool, getIndicatorTool, calculateTool, getPortfolioTool, buyTool, sellTool];
