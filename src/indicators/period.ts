/** The one check every indicator makes on its lookback, so a bad period fails the same way everywhere. */
export function checkPeriod(indicator: string, period: number, minimum = 1): void {
  if (!Number.isInteger(period) || period < minimum) {
    const kind = minimum === 1 ? "a positive integer" : `an integer >= ${minimum}`;
    throw new RangeError(`${indicator}: period must be ${kind}, got ${String(period)}`);
  }
}
