import { describe, expect, it } from "vitest";
import { instrumentOf, normalizeSymbol } from "../../../src/data/symbols";

describe("normalizeSymbol", () => {
  it.each(["ETH-USD", "ETHUSD", "eth/usd", "ETH/USD", " eth_usd ", "ETH:USD"])("writes %j as ETH/USD", (raw) => {
    expect(normalizeSymbol(raw)).toBe("ETH/USD");
  });

  it.each([
    ["BTCUSDT", "BTC/USDT"],
    ["btc-usdt", "BTC/USDT"],
    ["SOLUSD", "SOL/USD"],
    ["ETHBTC", "ETH/BTC"],
    ["DOGE-EUR", "DOGE/EUR"],
  ])("writes crypto pair %j as %j", (raw, expected) => {
    expect(normalizeSymbol(raw)).toBe(expected);
  });

  it.each(["BRK-B", "BRK.B", "brk/b", "brk.b"])("writes share class %j as BRK.B", (raw) => {
    expect(normalizeSymbol(raw)).toBe("BRK.B");
  });

  it.each([
    ["MSFT", "MSFT"],
    ["aapl", "AAPL"],
    // Short tickers that merely end in a quote currency are stocks, not pairs.
    ["GBTC", "GBTC"],
    ["SETH", "SETH"],
  ])("keeps stock %j as %j", (raw, expected) => {
    expect(normalizeSymbol(raw)).toBe(expected);
  });
});

describe("instrumentOf", () => {
  it("makes crypto fractional", () => {
    expect(instrumentOf("eth-usd")).toEqual({ symbol: "ETH/USD", assetClass: "crypto", fractional: true });
    expect(instrumentOf("BTCUSDT")).toEqual({ symbol: "BTC/USDT", assetClass: "crypto", fractional: true });
  });

  it("trades stocks in whole shares", () => {
    expect(instrumentOf("AAPL")).toEqual({ symbol: "AAPL", assetClass: "stock", fractional: false });
    expect(instrumentOf("BRK-B")).toEqual({ symbol: "BRK.B", assetClass: "stock", fractional: false });
  });

  it("does not take MSFT for a pair", () => {
    expect(instrumentOf("MSFT").assetClass).toBe("stock");
  });
});
