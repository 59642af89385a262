// Counter-based randomness, bit-identical to src/gen/counter-random.ts (SPEC 3).

/** The "lowbias32" integer hash: a bijection on u32. */
// @ts-ignore: decorator
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  return x ^ (x >>> 16);
}

/** Draw `draw` of flow `flow` in the stream `key`. */
// @ts-ignore: decorator
@inline export function drawRandom(key: u32, flow: u32, draw: u32): u32 {
  return mix32(mix32(flow ^ key) + (draw + 1) * 0x9e3779b9);
}
