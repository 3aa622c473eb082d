/** The latest value of an indicator series; NaN when the series is empty. */
export function last(series: ArrayLike<number>): number {
  return series.length === 0 ? NaN : series[series.length - 1]!;
}
