// Mirror of wasm/assembly/detln.ts: a logarithm with the same bits in TS and WASM (see there why).

const LN2 = 0.6931471805599453;
const TWO_POW_32 = 4294967296;
const TWO_POW_M52 = 2.220446049250313e-16; // so scaling is exact
const TABLE_SIZE = 256;
const lnC = new Float64Array(TABLE_SIZE);
const invC = new Float64Array(TABLE_SIZE);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer); // little-endian: [low, high]

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
 * ln(x · 2^−62) for 1 ≤ x < 2^62, bit-identical to the WASM version: the exponent and the top
 * mantissa byte of x pick ln 2 multiples and a table entry, a quartic covers the rest.
 */
export function lnScaled62(x: number): number {
  bits[0] = x;
  const lo = words[0]!;
  const hi = words[1]!;
  const e = (hi >>> 20) - 1085; // 1023 bias + 62
  const k = (hi >>> 12) & 0xff;
  const f = ((hi & 0xfff) * TWO_POW_32 + lo) * TWO_POW_M52; // exact
  return e * LN2 + lnC[k]! + quartic(f * invC[k]!);
}

/** ln(x) for 0 < x < 1, bit-identical to the WASM version (configuration only). */
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
