import { describe, expect, it } from "vitest";
import { formatMarketTime } from "../../../src/data/calendar";
import type { BarSeries } from "../../../src/data/series";
import { ema, last, rateOfChange, rollingVolatility, rsi, sma } from "../../../src/indicators";
import { dailyBars, flatBars } from "../fixtures";
import { NEXT_OPEN, errorOf, outputOf, runWithTools } from "./run-with-tools";

const cents = (x: number) => Math.round(x * 100) / 100;

/** 30 daily bars with distinct, wavy OHLC, so every field and every step is recognizable. */
const AAA: BarSeries = dailyBars(
  "AAA",
  Array.from({ length: 30 }, (_, i): [number, number, number, number] => {
    const close = cents(100 + 8 * Math.sin(i / 2.5) + 0.4 * i);
    const open = cents(close - 1 + ((i * 7) % 5) * 0.45);
    return [open, cents(Math.max(open, close) + 0.75), cents(Math.min(open, close) - 0.5), close];
  }),
);
/** 20 bars only: at steps 20..29 of a two-symbol run BBB has no bar (NaN in the view). */
const BBB: BarSeries = dailyBars(
  "BBB",
  Array.from({ length: 20 }, (_, i): [number, number, number, number] => [50 + (i % 4), 52 + (i % 4), 49 + (i % 4), 51 + (i % 4)]),
);

/** The fixture's bar t as the tools report it. */
function barOf(series: BarSeries, t: number) {
  return { time: formatMarketTime(series.time[t]!), open: series.open[t]!, high: series.high[t]!, low: series.low[t]!, close: series.close[t]!, volume: series.volume[t]! };
}

type Bar = ReturnType<typeof barOf>;

describe("get_price", () => {
  it("at step t returns the fixture's bar t", async () => {
    const seen: Record<number, unknown> = {};
    await runWithTools([AAA], Object.fromEntries([0, 5, 17, 29].map((t) => [t, async (s) => void (seen[t] = outputOf(await s.call("get_price", { symbol: "AAA" })))])));
    for (const t of [0, 5, 17, 29]) expect(seen[t]).toEqual({ symbol: "AAA", ...barOf(AAA, t) });
    // The time is the bar's start in New York: the fixture's first bar is 2020-01-01 14:30 UTC.
    expect(seen[0]).toMatchObject({ time: "2020-01-01T09:30:00-05:00" });
  });

  it("takes arguments as a JSON string and any spelling of the symbol", async () => {
    let price: unknown;
    await runWithTools([AAA], { 3: async (s) => void (price = outputOf(await s.call("get_price", '{"symbol": " aaa "}'))) });
    expect(price).toEqual({ symbol: "AAA", ...barOf(AAA, 3) });
  });

  it("returns the latest bar the symbol has when it has none at this step", async () => {
    let price: unknown;
    await runWithTools([AAA, BBB], { 25: async (s) => void (price = outputOf(await s.call("get_price", { symbol: "BBB" }))) });
    expect(price).toEqual({ symbol: "BBB", ...barOf(BBB, 19) });
  });

  it("refuses an unknown symbol and lists the run's symbols", async () => {
    let error = "";
    await runWithTools([AAA, BBB], { 2: async (s) => void (error = errorOf(await s.call("get_price", { symbol: "ZZZ" }))) });
    expect(error).toBe('unknown symbol "ZZZ": this run has AAA, BBB');
  });
});

describe("get_history", () => {
  it("asked for 500 bars at step 10 returns exactly the 11 bars up to the current one, nothing after the clock", async () => {
    let history: { symbol: string; bars: Bar[] } | undefined;
    let now = "";
    await runWithTools([AAA], {
      10: async (s) => {
        history = outputOf(await s.call("get_history", { symbol: "AAA", bars: 500 }));
        now = formatMarketTime(s.ctx.view.time);
      },
    });
    expect(history!.bars).toHaveLength(11);
    expect(history!.bars).toEqual(Array.from({ length: 11 }, (_, t) => barOf(AAA, t)));
    expect(history!.bars.at(-1)!.time).toBe(now);
    expect(now).toBe("2020-01-11T09:30:00-05:00");
  });

  it("defaults to 20 bars, oldest first, ending at now", async () => {
    let history: { bars: Bar[] } | undefined;
    await runWithTools([AAA], { 25: async (s) => void (history = outputOf(await s.call("get_history", { symbol: "AAA" }))) });
    expect(history!.bars).toEqual(Array.from({ length: 20 }, (_, i) => barOf(AAA, 6 + i)));
  });

  it("skips the steps where the symbol has no bar instead of returning empty bars", async () => {
    let history: { bars: Bar[] } | undefined;
    await runWithTools([AAA, BBB], { 25: async (s) => void (history = outputOf(await s.call("get_history", { symbol: "BBB", bars: 5 }))) });
    expect(history!.bars).toEqual([15, 16, 17, 18, 19].map((t) => barOf(BBB, t)));
  });

  it("refuses bars outside 1..500 or fractional, naming the argument", async () => {
    const errors: string[] = [];
    await runWithTools([AAA], {
      4: async (s) => {
        for (const bars of [0, 501, 2.5, "ten"]) errors.push(errorOf(await s.call("get_history", { symbol: "AAA", bars })));
      },
    });
    expect(errors).toEqual([
      'invalid arguments for get_history: argument "bars" (sent 0): bars must be at least 1',
      'invalid arguments for get_history: argument "bars" (sent 501): bars must be at most 500',
      'invalid arguments for get_history: argument "bars" (sent 2.5): bars must be a whole number from 1 to 500',
      'invalid arguments for get_history: argument "bars" (sent "ten"): bars must be a whole number from 1 to 500',
    ]);
  });
});

describe("get_indicator", () => {
  const closesUpTo = (series: BarSeries, t: number) => series.close.slice(0, t + 1);

  it("matches src/indicators over the closes up to now", async () => {
    const asked: Record<string, unknown> = {};
    await runWithTools([AAA], {
      20: async (s) => {
        for (const indicator of ["sma", "ema", "rsi", "roc", "volatility"]) {
          asked[indicator] = outputOf(await s.call("get_indicator", { symbol: "AAA", indicator, period: 5 }));
        }
      },
    });
    const closes = closesUpTo(AAA, 20);
    const time = formatMarketTime(AAA.time[20]!);
    const expected = { sma: last(sma(closes, 5)), ema: last(ema(closes, 5)), rsi: last(rsi(closes, 5)), roc: last(rateOfChange(closes, 5)), volatility: last(rollingVolatility(closes, 5)) };
    for (const [indicator, value] of Object.entries(expected)) {
      expect(Number.isFinite(value)).toBe(true);
      expect(asked[indicator]).toEqual({ symbol: "AAA", indicator, period: 5, value, time });
    }
    // One value by hand as well: SMA5 at step 20 is the mean of closes 16..20.
    const hand = (AAA.close[16]! + AAA.close[17]! + AAA.close[18]! + AAA.close[19]! + AAA.close[20]!) / 5;
    expect((asked.sma as { value: number }).value).toBeCloseTo(hand, 12);
  });

  it("is null while there is not enough history", async () => {
    const values: unknown[] = [];
    await runWithTools([AAA], {
      9: async (s) => {
        values.push(outputOf(await s.call("get_indicator", { symbol: "AAA", indicator: "rsi", period: 14 })));
        values.push(outputOf(await s.call("get_indicator", { symbol: "AAA", indicator: "sma", period: 10 })));
        values.push(outputOf(await s.call("get_indicator", { symbol: "AAA", indicator: "volatility", period: 10 })));
      },
    });
    expect(values[0]).toMatchObject({ value: null });
    expect(values[1]).toMatchObject({ value: last(sma(closesUpTo(AAA, 9), 10)) });
    expect(values[2]).toMatchObject({ value: null }); // needs period + 1 = 11 closes
  });

  it("uses only the symbol's own bars, and says which bar the value is for", async () => {
    let value: unknown;
    await runWithTools([AAA, BBB], { 27: async (s) => void (value = outputOf(await s.call("get_indicator", { symbol: "BBB", indicator: "ema", period: 3 }))) });
    expect(value).toEqual({ symbol: "BBB", indicator: "ema", period: 3, value: last(ema(BBB.close, 3)), time: formatMarketTime(BBB.time[19]!) });
  });

  it("refuses an unknown indicator or a period outside 2..200", async () => {
    const errors: string[] = [];
    await runWithTools([AAA], {
      3: async (s) => {
        errors.push(errorOf(await s.call("get_indicator", { symbol: "AAA", indicator: "macd", period: 5 })));
        errors.push(errorOf(await s.call("get_indicator", { symbol: "AAA", indicator: "sma", period: 1 })));
        errors.push(errorOf(await s.call("get_indicator", { symbol: "AAA", indicator: "sma" })));
      },
    });
    expect(errors[0]).toBe('invalid arguments for get_indicator: argument "indicator" (sent "macd"): indicator must be one of "sma", "ema", "rsi", "roc", "volatility"');
    expect(errors[1]).toBe('invalid arguments for get_indicator: argument "period" (sent 1): period must be at least 2');
    expect(errors[2]).toBe('invalid arguments for get_indicator: missing required argument "period"');
  });
});

describe("calculate", () => {
  it("evaluates, and turns calculator errors into error results", async () => {
    const results: unknown[] = [];
    await runWithTools([AAA], {
      1: async (s) => {
        results.push(outputOf(await s.call("calculate", { expression: "floor(10000 / 101.25)" })));
        results.push(errorOf(await s.call("calculate", { expression: "1 / 0" })));
        results.push(errorOf(await s.call("calculate", { expression: "process.exit()" })));
        results.push(errorOf(await s.call("calculate", { expression: 42 })));
      },
    });
    expect(results[0]).toEqual({ value: 98 }); // 10000 / 101.25 = 98.77
    expect(results[1]).toBe('cannot calculate "1 / 0": at position 3: division by zero');
    expect(results[2]).toMatch(/^cannot calculate "process.exit\(\)": at position 1: unknown name 'process'/);
    expect(results[3]).toBe('invalid arguments for calculate: argument "expression" (sent 42): expression must be a string such as "2 * (3 + 4)"');
  });
});

describe("buy, sell and get_portfolio in a run", () => {
  it("buys at market, fills at the next open with the quantity asked, and shows in the portfolio", async () => {
    const seen: Record<string, unknown> = {};
    const { outcome } = await runWithTools(
      [AAA],
      {
        3: async (s) => {
          seen.buy = outputOf(await s.call("buy", { symbol: "AAA", quantity: 7, reason: "testing" }));
          seen.pending = outputOf(await s.call("get_portfolio", {}));
        },
        4: async (s) => void (seen.after = outputOf(await s.call("get_portfolio", "{}"))),
        8: async (s) => void (seen.sell = outputOf(await s.call("sell", { symbol: "AAA", quantity: "all" }))),
      },
      { cash: 10_000 },
    );
    expect(seen.buy).toEqual({ status: "accepted", orderId: 1, symbol: "AAA", side: "buy", quantity: 7, fills: NEXT_OPEN });
    expect(seen.pending).toEqual({
      time: formatMarketTime(AAA.time[3]!),
      cash: 10_000,
      equity: 10_000,
      positions: [],
      openOrders: [{ id: 1, symbol: "AAA", side: "buy", quantity: 7, type: "market" }],
    });
    const fill = outcome.log.fills[0]!;
    expect(fill).toMatchObject({ step: 4, side: "buy", quantity: 7, price: AAA.open[4], reason: "testing" });
    const cash = 10_000 - 7 * AAA.open[4]!;
    expect(seen.after).toEqual({
      time: formatMarketTime(AAA.time[4]!),
      cash,
      equity: cash + 7 * AAA.close[4]!,
      positions: [{ symbol: "AAA", quantity: 7, price: AAA.close[4], value: 7 * AAA.close[4]! }],
      openOrders: [],
    });
    expect(seen.sell).toEqual({ status: "accepted", orderId: 2, symbol: "AAA", side: "sell", quantity: "all", fills: NEXT_OPEN });
    expect(outcome.log.fills[1]).toMatchObject({ step: 9, side: "sell", quantity: 7, price: AAA.open[9] });
    expect(outcome.log.blocked).toEqual([]);
  });

  it("trades fractions of crypto, and of stocks when the run allows fractional shares", async () => {
    const coin = flatBars("BTC-USD", [40_000, 41_000, 42_000]);
    const crypto = await runWithTools([coin], { 0: async (s) => void outputOf(await s.call("buy", { symbol: "btc/usd", quantity: 0.05 })) }, { cash: 10_000 });
    expect(crypto.outcome.log.fills[0]).toMatchObject({ symbol: "BTC/USD", quantity: 0.05, price: 41_000 });
    const stock = await runWithTools([AAA], { 0: async (s) => void outputOf(await s.call("buy", { symbol: "AAA", quantity: 2.5 })) }, { broker: { fractional: true }, trading: { fractionalShares: true } });
    expect(stock.outcome.log.fills[0]).toMatchObject({ quantity: 2.5, price: AAA.open[1] });
  });

  it("states this run's fill timing in the result", async () => {
    let result: unknown;
    await runWithTools([AAA], { 0: async (s) => void (result = outputOf(await s.call("buy", { symbol: "AAA", quantity: 1 }))) }, { broker: { fill: "close" }, fillNote: "at this bar's close" });
    expect(result).toMatchObject({ fills: "at this bar's close" });
  });
});

describe("order refusals come back as error results, never as exceptions", () => {
  /** Runs one refused call at step 2 (with 10 AAA already bought at step 0) and returns what it left behind. */
  async function refused(args: unknown, tool = "buy", options: Parameters<typeof runWithTools>[2] = {}) {
    let error = "";
    const run = await runWithTools(
      [AAA, BBB],
      {
        0: async (s) => void outputOf(await s.call("buy", { symbol: "AAA", quantity: 10 })),
        2: async (s) => void (error = errorOf(await s.call(tool, args))),
      },
      { cash: 2_000, ...options },
    );
    // Only the setup buy became an order: a refusal places nothing.
    const orders = run.outcome.log.orders.filter((order) => order.submittedStep === 2);
    return { error, orders, blocked: run.outcome.log.blocked, preTrade: run.preTradeBlocked };
  }

  it("arguments that are not JSON", async () => {
    const r = await refused('{"symbol": "AAA", quantity: 5}');
    expect(r.error).toMatch(/^arguments for buy are not valid JSON \(.+\); send one JSON object with the arguments symbol, quantity, reason$/);
    expect(r.orders).toEqual([]);
  });

  it("arguments that are not an object", async () => {
    expect((await refused("[1, 2]")).error).toBe("arguments for buy must be a JSON object with the arguments symbol, quantity, reason, not an array");
    expect((await refused(17)).error).toBe("arguments for buy must be a JSON object with the arguments symbol, quantity, reason, not number");
  });

  it("a missing argument, and an unknown one", async () => {
    expect((await refused({ symbol: "AAA" })).error).toBe('invalid arguments for buy: missing required argument "quantity"');
    expect((await refused({ symbol: "AAA", qty: 5 })).error).toBe('invalid arguments for buy: missing required argument "quantity"; unknown argument "qty" (buy takes symbol, quantity, reason)');
  });

  it("a zero or negative quantity", async () => {
    const negative = await refused({ symbol: "AAA", quantity: -5 });
    expect(negative.error).toBe('invalid arguments for buy: argument "quantity" (sent -5): quantity must be greater than 0');
    expect(negative.orders).toEqual([]);
    expect((await refused({ symbol: "AAA", quantity: 0 }, "sell")).error).toBe('invalid arguments for sell: argument "quantity" (sent 0): quantity must be greater than 0');
    expect((await refused({ symbol: "AAA", quantity: "some" }, "sell")).error).toBe('invalid arguments for sell: argument "quantity" (sent "some"): quantity must be a number greater than 0 or "all"');
  });

  it("a fractional quantity of a whole-share stock", async () => {
    const r = await refused({ symbol: "AAA", quantity: 2.5 });
    expect(r.error).toBe("buy refused: AAA trades in whole shares only; 2.5 is not a whole number (use 2 or another whole number)");
    expect(r.orders).toEqual([]);
    expect(r.preTrade).toEqual([{ step: 2, time: AAA.time[2], symbol: "AAA", side: "buy", quantity: 2.5, rule: "quantity", reason: "AAA trades in whole shares only; 2.5 is not a whole number (use 2 or another whole number)" }]);
  });

  it("a buy whose estimated cost is above the cash", async () => {
    // cash after the setup buy: 2000 - 10 x open[1]; the estimate is quantity x close[2]
    const cash = 2_000 - 10 * AAA.open[1]!;
    const r = await refused({ symbol: "AAA", quantity: 12 });
    const money = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(r.error).toBe(
      `buy refused: buying 12 AAA at about ${money(AAA.close[2]!)} (the last close) costs about ${money(12 * AAA.close[2]!)} before commission; available cash is ${money(cash)}, enough for about ${Math.floor(cash / AAA.close[2]!)} AAA`,
    );
    expect(r.orders).toEqual([]);
    expect(r.preTrade[0]).toMatchObject({ rule: "insufficient-cash", quantity: 12 });
  });

  it("a buy that only the cash already committed to open orders cannot pay for", async () => {
    const errors: string[] = [];
    const run = await runWithTools([AAA], {
      0: async (s) => {
        outputOf(await s.call("buy", { symbol: "AAA", quantity: 60 })); // about 60 x 100 = 6,000 of 10,000
        errors.push(errorOf(await s.call("buy", { symbol: "AAA", quantity: 60 })));
      },
    });
    expect(errors[0]).toMatch(/^buy refused: buying 60 AAA at about \$100\.00 .* available cash is \$4,000\.00 after \$6,000\.00 committed to open buy orders, enough for about 40 AAA$/);
    expect(run.outcome.log.orders).toHaveLength(1);
  });

  it("selling more than is held", async () => {
    const r = await refused({ symbol: "AAA", quantity: 11 }, "sell");
    expect(r.error).toBe("sell refused: selling 11 AAA exceeds the 10 that can be sold (held: 10), and short selling is off");
    expect(r.preTrade[0]).toMatchObject({ rule: "no-position", side: "sell", quantity: 11 });
    const none = await refused({ symbol: "BBB", quantity: "all" }, "sell");
    expect(none.error).toBe("sell refused: no BBB position to sell");
    expect(none.orders).toEqual([]);
  });

  it("selling what open sell orders already cover", async () => {
    const errors: string[] = [];
    await runWithTools([AAA], {
      0: async (s) => void outputOf(await s.call("buy", { symbol: "AAA", quantity: 10 })),
      2: async (s) => {
        outputOf(await s.call("sell", { symbol: "AAA", quantity: 6 }));
        errors.push(errorOf(await s.call("sell", { symbol: "AAA", quantity: 6 })));
      },
    });
    expect(errors).toEqual(["sell refused: selling 6 AAA exceeds the 4 that can be sold (6 of the 10 held are already in open sell orders), and short selling is off"]);
  });

  it("an unknown symbol, refused and recorded by ctx.submit", async () => {
    const r = await refused({ symbol: "ZZZ", quantity: 1 });
    expect(r.error).toBe("buy refused: unknown symbol ZZZ; this run trades AAA, BBB");
    expect(r.blocked).toEqual([expect.objectContaining({ step: 2, symbol: "ZZZ", rule: "unknown-symbol" })]);
    expect(r.orders).toEqual([]);
  });

  it("a ticker outside the allowed list, refused and recorded by the risk guard", async () => {
    const r = await refused({ symbol: "BBB", quantity: 1 }, "buy", { risk: { allowedTickers: ["AAA"] } });
    expect(r.error).toBe("buy refused: BBB is not in the allowed tickers (AAA)");
    expect(r.blocked).toEqual([expect.objectContaining({ step: 2, symbol: "BBB", rule: "allowed-tickers" })]);
    expect(r.orders).toEqual([]);
  });

  it("a tool called outside a run", async () => {
    const { callTool, findTool, TRADING_TOOLS } = await import("../../../src/tools");
    const result = await callTool(findTool(TRADING_TOOLS, "get_price")!, { symbol: "AAA" }, {});
    expect(errorOf(result)).toBe("this tool works inside a backtest or replay, and none is running here");
  });
});
