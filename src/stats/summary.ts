// Order statistics for timing samples: medians and a distribution-free 95% interval.

/** The median of `xs` (mean of the middle two for even lengths); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A 95% confidence interval for the median from order statistics: [x(k), x(n+1−k)] with the
 * largest k whose binomial tail P(Bin(n, ½) < k) ≤ 2.5%. Falls back to [min, max] for n < 6.
 */
export function medianInterval(xs: readonly number[]): readonly [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  let k = 0;
  let tail = 0;
  let coef = 1; // C(n, j)
  for (let j = 0; j < n; j++) {
    tail += coef / 2 ** n;
    if (tail > 0.025) break;
    k = j + 1;
    coef = (coef * (n - j)) / (j + 1);
  }
  k = Math.max(1, k);
  return [s[k - 1]!, s[n - k]!];
}

/** The smallest value v with at least q of the mass at or below it, from [value, count] pairs. */
export function histogramQuantile(hist: ReadonlyArray<readonly [number, number]>, q: number): number {
  const sorted = [...hist].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((a, [, c]) => a + c, 0);
  if (total === 0) return 0;
  const target = Math.ceil(q * total);
  let acc = 0;
  for (const [v, c] of sorted) {
    acc += c;
    if (acc >= Math.max(1, target)) return v;
  }
  return sorted[sorted.length - 1]![0];
}
