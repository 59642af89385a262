// A natural logarithm that is bit-identical in WASM and in the TypeScript mirror (src/gen/detln.ts):
// Math.log differs between V8 and AssemblyScript's libm in the last place, and durations feed
// IPVS expiry, so the workload must not depend on either. Table of ln(1 + k/256), built at start
// with the same atanh series on both sides; per call: exponent and top mantissa byte from the f64
// bits, one table entry, a quartic. Every step is exact except the last few IEEE operations,
// which both sides perform in the same order.

const LN2: f64 = 0.6931471805599453;
const TABLE_BITS: u32 = 8;
const TABLE_SIZE: i32 = 1 << TABLE_BITS;

const lnC = new StaticArray<f64>(TABLE_SIZE);
const invC = new StaticArray<f64>(TABLE_SIZE);
/** (1/c, ln c) pairs, c = 1 + k/256: one 16-byte load per lane in the vector log. */
const pairs = new StaticArray<f64>(2 * TABLE_SIZE);

/** ln(c) for c in [1, 2) by 2·atanh((c−1)/(c+1)), summed to s^31 (error below 1e-16). */
function seriesLn(c: f64): f64 {
  const s = (c - 1.0) / (c + 1.0);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let j = 1; j <= 15; j++) {
    term *= s2;
    sum += term / <f64>(2 * j + 1);
  }
  return 2.0 * sum;
}

for (let k = 0; k < TABLE_SIZE; k++) {
  const c = 1.0 + <f64>k / 256.0;
  unchecked((lnC[k] = seriesLn(c)));
  unchecked((invC[k] = 1.0 / c));
  unchecked((pairs[2 * k] = invC[k]));
  unchecked((pairs[2 * k + 1] = lnC[k]));
}

/** Address of the (1/c, ln c) pair table for vector code; entry k at `+ (k << 4)`. */
export const LN_PAIRS: usize = changetype<usize>(pairs);

/** ln(1 + d) for 0 ≤ d < 1/256: truncation error below d^5/5 < 2e-13. */
// @ts-ignore: decorator
@inline export function ln1pSmall(d: f64): f64 {
  return d * (1.0 - d * (0.5 - d * (0.3333333333333333 - d * 0.25)));
}

/**
 * ln(x · 2^−62) for 1 ≤ x < 2^62 (x = m·2^e, m = c + f with c = 1 + k/256):
 * (e − 62)·ln 2 + ln c + ln(1 + f/c). The product of two 31-bit draws scaled by 2^−62 is a product
 * of two uniforms, whose −ln is Gamma(2)-distributed (src/gen/flows.ts).
 */
// @ts-ignore: decorator
@inline export function lnScaled62(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  const e = <i32>(bits >>> 52) - 1085; // 1023 bias + 62
  const k = <i32>(bits >>> 44) & 0xff;
  const f = <f64>(<i64>(bits & 0xfffffffffff)) * 2.220446049250313e-16; // 2^−52: exact
  return <f64>e * LN2 + unchecked(lnC[k]) + ln1pSmall(f * unchecked(invC[k]));
}

/** ln(x) for 0 < x < 1 (configuration only, not the hot path). */
export function lnFraction(x: f64): f64 {
  let e = 0;
  while (x < 1.0) {
    x *= 2.0;
    e--;
  }
  const k = <i32>Math.floor((x - 1.0) * 256.0);
  const c = 1.0 + <f64>k / 256.0;
  const d = (x - c) * unchecked(invC[k]);
  return <f64>e * LN2 + unchecked(lnC[k]) + ln1pSmall(d);
}
