// Logarithms with the same bits in TS and WASM, so that the workload does not depend on a
// runtime's Math.log: lnScaled62f mirrors wasm/assembly/detln.ts (see there why and how), one
// Math.fround per f32 operation; lnFraction (configuration, f64) runs on the host only.

const LN2 = 0.6931471805599453;
const TABLE_SIZE = 256;
const lnC = new Float64Array(TABLE_SIZE);
const invC = new Float64Array(TABLE_SIZE);
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const fround = Math.fround;
const LN62_BIAS = 0x5e3504f3;
const LN62_MID = 0x3f3504f3;
const LN2F = fround(0.6931471824645996);
const LN_C3 = fround(0.6666677594184875);
const LN_C5 = fround(0.39977535605430603);
const LN_C7 = fround(0.29871875047683716);

function seriesLn(c: number): number {
  const s = (c - 1) / (c + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let j = 1; j <= 15; j++) {
    term *= s2;
    sum += term / (2 * j + 1);
  }
  return 2 * sum;
}

for (let k = 0; k < TABLE_SIZE; k++) {
  const c = 1 + k / 256;
  lnC[k] = seriesLn(c);
  invC[k] = 1 / c;
}

function quartic(d: number): number {
  return d * (1 - d * (0.5 - d * (0.3333333333333333 - d * 0.25)));
}

/**
 * ln(x · 2^−62) in single precision for an f32 value 1 ≤ x ≤ 2^62, bit-identical to the WASM
 * version: x·2^−62 = m·2^e with m in [√½, √2), then e·ln 2 + 2·atanh((m − 1)/(m + 1)).
 * (An f64 operation on f32 operands rounded once more to f32 is the f32 operation.)
 */
export function lnScaled62f(x: number): number {
  f32[0] = x;
  const t = (f32Bits[0]! - LN62_BIAS) | 0;
  f32Bits[0] = (t & 0x7fffff) + LN62_MID;
  const m = f32[0]!;
  const s = fround((m - 1) / fround(m + 1));
  const z = fround(s * s);
  const q = fround(fround(2 + fround(z * LN_C3)) + fround(fround(z * z) * fround(LN_C5 + fround(z * LN_C7))));
  return fround(fround((t >> 23) * LN2F) + fround(s * q));
}

/**
 * ln(x) for 0 < x < 1 (configuration only: the host computes it once and hands the result to WASM):
 * exponent, a table entry ln(1 + k/256) and a quartic, so no Math.log.
 */
export function lnFraction(x: number): number {
  let e = 0;
  while (x < 1) {
    x *= 2;
    e--;
  }
  const k = Math.floor((x - 1) * 256);
  const c = 1 + k / 256;
  const d = (x - c) * invC[k]!;
  return e * LN2 + lnC[k]! + quartic(d);
}
