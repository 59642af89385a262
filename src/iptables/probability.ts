// The three lives of a `-m statistic --mode random` probability (dataplane.md 2.5): kube-proxy writes
// 1/k with Go's `%0.10f`; iptables-restore parses it (strtod) and stores lround(2^31·p) as a u32
// (libxt_statistic.c); iptables-save prints stored/2^31 with glibc's `%.11f`.

/** The kernel compares `(random & 0x7FFFFFFF) < threshold`, so thresholds are in units of 2^-31. */
export const PROBABILITY_SCALE = 0x80000000;

/** Decimals kube-proxy writes. */
const WRITTEN_DECIMALS = 10;
/** Decimals iptables-save prints. */
const SAVED_DECIMALS = 11;

/**
 * The exact decimal value of a non-negative finite double rounded to `decimals` places, ties to
 * even — what both Go's `%.Nf` and glibc's `printf("%.Nf")` produce. JavaScript's `toFixed` breaks
 * exact ties upwards instead (e.g. 1/2048 = 0.00048828125 at 10 places), so it cannot be used.
 */
export function formatFixed(x: number, decimals: number): string {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`formatFixed: ${x} is not a non-negative finite number`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // x = mantissa · 2^exp exactly (subnormals have no implicit bit and the minimum exponent).
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  const scaled = mantissa * 10n ** BigInt(decimals);
  let q: bigint;
  if (exp >= 0) {
    q = scaled << BigInt(exp);
  } else {
    const den = 1n << BigInt(-exp);
    q = scaled / den;
    const twice = 2n * (scaled % den);
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(decimals + 1, '0');
  if (decimals === 0) return digits;
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** kube-proxy's text for p(k) = 1/k (`%0.10f`), k = endpoints not yet passed, k ≥ 1. */
export function writtenProbability(k: number): string {
  return formatFixed(1 / k, WRITTEN_DECIMALS);
}

/**
 * What the kernel stores for a written probability: `lround(2^31 · strtod(text))`. The product is
 * exact (a power-of-two scale) and positive, so Math.round's half-up equals lround's half-away.
 */
export function storedThreshold(written: string): number {
  return Math.round(PROBABILITY_SCALE * Number(written));
}

/** iptables-save's text for a stored threshold: `%.11f` of threshold / 2^31. */
export function savedProbability(threshold: number): string {
  return formatFixed(threshold / PROBABILITY_SCALE, SAVED_DECIMALS);
}

/** One endpoint-rule probability in all its forms. */
export interface EndpointProbability {
  /** kube-proxy's restore-input text, 10 decimals. */
  readonly written: string;
  /** The written text as a number (what iptables-restore parses). */
  readonly value: number;
  /** The kernel's stored threshold, round(2^31 · value). */
  readonly threshold: number;
  /** iptables-save's text, 11 decimals. */
  readonly saved: string;
}

// kube-proxy memoises these too (precomputeProbabilities); k is bounded by the largest endpoint list.
const memo: EndpointProbability[] = [];

/** p(k) = 1/k in every form, memoised per k. @throws RangeError when k is not an integer ≥ 1. */
export function endpointProbability(k: number): EndpointProbability {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`endpointProbability: k = ${k} is not an integer ≥ 1`);
  let p = memo[k];
  if (p === undefined) {
    const written = writtenProbability(k);
    const threshold = storedThreshold(written);
    p = { written, value: Number(written), threshold, saved: savedProbability(threshold) };
    memo[k] = p;
  }
  return p;
}
