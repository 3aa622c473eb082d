/** Technical indicators: pure functions over price arrays, aligned with their input (NaN where undefined). */
export { ema, sma } from "./moving-average";
export { rateOfChange, rsi } from "./momentum";
export { last } from "./series";
export { rollingVolatility } from "./volatility";
