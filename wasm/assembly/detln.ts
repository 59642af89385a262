// A natural logarithm that is bit-identical in WASM and in the TypeScript mirror (src/gen/detln.ts):
// Math.log differs between V8 and AssemblyScript's libm in the last place, and durations feed
// IPVS expiry, so the workload must not depend on either. Single precision: its error (a few
// units in the last place, about 3e-7 relative) is far below the 2^−23 resolution of the split
// draw it is multiplied by, and f32x4 takes four lanes per vector operation. No table, so the
// vector version needs no per-lane gathers. Every step is an IEEE f32 operation that the mirror
// repeats in the same order with Math.fround.

/** Bits of x·2^−62 − bits of √½: the exponent field then counts from √½, not from 1. */
export const LN62_BIAS: u32 = 0x5e3504f3;
/** Bits of √½ (rounded down): the reduced argument m lies in [√½, √2). */
export const LN62_MID: u32 = 0x3f3504f3;
export const LN2F: f32 = 0.6931471824645996;
/** ln m = 2·atanh(s), s = (m − 1)/(m + 1): s·(2 + z·(C3 + z·(C5 + z·C7))), z = s², minimax on |s| ≤ 0.1716. */
export const LN_C3: f32 = 0.6666677594184875;
export const LN_C5: f32 = 0.39977535605430603;
export const LN_C7: f32 = 0.29871875047683716;

/**
 * ln(x · 2^−62) for 1 ≤ x ≤ 2^62: x·2^−62 = m·2^e with m in [√½, √2), then e·ln 2 + ln m. The
 * product of two 31-bit draws scaled by 2^−62 is a product of two uniforms, whose −ln is
 * Gamma(2)-distributed (src/gen/flows.ts).
 */
// @ts-ignore: decorator
@inline export function lnScaled62f(x: f32): f32 {
  const t = reinterpret<u32>(x) - LN62_BIAS;
  const m = reinterpret<f32>((t & 0x7fffff) + LN62_MID);
  const s = (m - 1.0) / (m + 1.0); // m − 1 is exact
  const z = s * s;
  // Estrin's order: the two halves of the polynomial do not wait for each other.
  const q: f32 = (2.0 + z * LN_C3) + (z * z) * (LN_C5 + z * LN_C7);
  return <f32>(<i32>t >> 23) * LN2F + s * q;
}
