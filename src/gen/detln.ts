// Mirror of wasm/assembly/detln.ts: a logarithm with the same bits in TS and WASM (see there why).

const LN2 = 0.6931471805599453;
const TWO_POW_M31 = 4.656612873077393e-10; // 2^-31, so scaling is exact
const TABLE_SIZE = 256;
const lnC = new Float64Array(TABLE_SIZE);
const invC = new Float64Array(TABLE_SIZE);

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

/** ln(r / 2^32) for a non-zero u32 r, bit-identical to the WASM version. */
export function lnUnit(r: number): number {
  const lz = Math.clz32(r);
  const m = (r << lz) >>> 0;
  const k = (m >>> 23) & 0xff;
  const f = (m & 0x7fffff) * TWO_POW_M31;
  const d = f * invC[k]!;
  return (-1 - lz) * LN2 + lnC[k]! + quartic(d);
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
