// A natural logarithm that is bit-identical in WASM and in the TypeScript mirror (src/gen/detln.ts):
// Math.log differs between V8 and AssemblyScript's libm in the last place, and durations feed
// IPVS expiry, so the workload must not depend on either. Table of ln(1 + k/256), built at start
// with the same atanh series on both sides; per call: clz, one table entry, a quartic.

const LN2: f64 = 0.6931471805599453;
const TWO_POW_M31: f64 = 4.656612873077393e-10; // 2^-31
const TABLE_BITS: u32 = 8;
const TABLE_SIZE: i32 = 1 << TABLE_BITS;

const lnC = new StaticArray<f64>(TABLE_SIZE);
const invC = new StaticArray<f64>(TABLE_SIZE);

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
}

/** ln(r / 2^32) for a non-zero u32 r: always negative, at most −2.3e-10 in magnitude. */
// @ts-ignore: decorator
@inline export function lnUnit(r: u32): f64 {
  const lz = clz(r);
  const m = r << lz; // 1.xxx in 1.31 fixed point
  const k = <i32>((m >>> 23) & 0xff);
  const f = <f64>(m & 0x7fffff) * TWO_POW_M31; // exact: scaling by a power of two
  const d = f * unchecked(invC[k]);
  const ln1p = d * (1.0 - d * (0.5 - d * (0.3333333333333333 - d * 0.25)));
  return <f64>(-1 - <i32>lz) * LN2 + unchecked(lnC[k]) + ln1p;
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
  return <f64>e * LN2 + unchecked(lnC[k]) + d * (1.0 - d * (0.5 - d * (0.3333333333333333 - d * 0.25)));
}
