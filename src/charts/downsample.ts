/**
 * Downsampling for display that keeps the extremes. A chart has a few hundred pixels across, so a
 * 100,000-point curve is cut into buckets and each bucket keeps its lowest and highest point (of every
 * series drawn), plus the first and last points and any the caller forces (the peak and trough of the
 * deepest drawdown). A spike, a crash and the bottom of a drawdown all survive; averaging would erase them.
 */

/**
 * Indices (ascending, unique) of the points to draw: all of them when there are at most `maxPoints`;
 * otherwise the first, the last, `keep`, and each bucket's minimum and maximum of every series. There
 * are at most `maxPoints` of them as long as `maxPoints >= keep.length + 2 + 2 * series.length`. NaN
 * values are never chosen as extremes.
 */
export function downsampleIndices(series: readonly ArrayLike<number>[], maxPoints: number, keep: Iterable<number> = []): Uint32Array {
  if (!(maxPoints >= 2) || !Number.isFinite(maxPoints)) throw new RangeError(`maxPoints must be at least 2, got ${maxPoints}`);
  const n = series.length === 0 ? 0 : series[0]!.length;
  for (const s of series) if (s.length !== n) throw new RangeError(`series lengths differ: ${s.length} and ${n}`);
  if (n <= maxPoints) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const chosen = new Uint8Array(n);
  let forced = 0;
  const choose = (i: number) => {
    if (i >= 0 && i < n && Number.isInteger(i) && chosen[i] === 0) {
      chosen[i] = 1;
      forced++;
    }
  };
  choose(0);
  choose(n - 1);
  for (const i of keep) choose(i);
  const perBucket = 2 * Math.max(1, series.length);
  const buckets = Math.max(1, Math.floor((maxPoints - forced) / perBucket));
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    for (const s of series) {
      let low = -1;
      let high = -1;
      for (let i = from; i < to; i++) {
        const v = s[i]!;
        if (v !== v) continue;
        if (low < 0 || v < s[low]!) low = i;
        if (high < 0 || v > s[high]!) high = i;
      }
      if (low >= 0) chosen[low] = 1;
      if (high >= 0) chosen[high] = 1;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += chosen[i]!;
  const indices = new Uint32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (chosen[i]) indices[k++] = i;
  return indices;
}

/** The values of `values` at `indices`. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]!]!;
  return out;
}
