/**
 * Symbol normalization: ETH-USD, ETHUSD, eth/usd and ETH/USD are one instrument, written ETH/USD.
 * The old platform sent crypto symbols to the broker in the wrong format; here every feed, order and
 * allowed-ticker list goes through `normalizeSymbol`, so there is only one spelling inside the engine.
 */
export type AssetClass = "stock" | "crypto";

export interface Instrument {
  /** Canonical symbol: `AAPL`, `BRK.B`, `ETH/USD`. */
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Crypto trades in fractions; stocks in whole shares unless the run allows fractional shares. */
  readonly fractional: boolean;
}

const QUOTES = ["USDT", "USDC", "USD", "EUR", "GBP", "BTC", "ETH"] as const;
const KNOWN_CRYPTO = new Set([
  "BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "BCH", "LINK", "AVAX", "MATIC", "BNB", "TRX",
  "XLM", "UNI", "ATOM", "ETC", "FIL", "AAVE", "SHIB", "USDT", "USDC", "ARB", "OP", "SUI", "TON", "PEPE",
]);

/** Splits a crypto pair in any common spelling into base and quote, or returns undefined. */
function splitPair(upper: string): [string, string] | undefined {
  const separated = /^([A-Z0-9]+)[-/_:]([A-Z0-9]+)$/.exec(upper);
  if (separated) {
    const [, base, quote] = separated;
    if ((QUOTES as readonly string[]).includes(quote!) && (KNOWN_CRYPTO.has(base!) || base!.length >= 2)) {
      // BRK-B is a share class, not a pair: only quote currencies make a pair.
      return [base!, quote!];
    }
    return undefined;
  }
  for (const quote of QUOTES) {
    if (upper.length > quote.length && upper.endsWith(quote)) {
      const base = upper.slice(0, -quote.length);
      // Stock tickers are at most 5 letters; a longer glued symbol ending in a quote currency is a pair.
      if (KNOWN_CRYPTO.has(base) || upper.length >= 6) return [base, quote];
    }
  }
  return undefined;
}

export function normalizeSymbol(raw: string): string {
  const upper = raw.trim().toUpperCase();
  const pair = splitPair(upper);
  if (pair) return `${pair[0]}/${pair[1]}`;
  // Share classes: BRK-B, BRK/B and BRK.B are one stock, written BRK.B.
  return upper.replace(/^([A-Z]+)[-/]([A-Z])$/, "$1.$2");
}

export function instrumentOf(raw: string): Instrument {
  const symbol = normalizeSymbol(raw);
  const crypto = symbol.includes("/");
  return { symbol, assetClass: crypto ? "crypto" : "stock", fractional: crypto };
}
