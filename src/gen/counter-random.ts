// Counter-based randomness (SPEC 3): every random number is a pure function of
// (seed, domain, flow index, draw index), so any worker reproduces any flow's draws without a
// shared sequential stream. Mirrors wasm/assembly/random.ts bit for bit.

/** Independent random domains keyed off one seed. */
export const RandomDomain = {
  /** Draws made by the dataplane itself: iptables `statistic`, nftables `numgen`. */
  DECISION: 1,
  /** Draws made by the synthetic workload generator. */
  WORKLOAD: 2,
  /** Draws made by the synthetic cluster generator. */
  CLUSTER: 3,
} as const;

/** A 32-bit avalanche mixer (the "lowbias32" integer hash): a bijection on u32. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The key of one random domain under a run seed. */
export function streamKey(seed: number, domain: number): number {
  return mix32((seed ^ mix32(domain)) >>> 0);
}

/** Draw number `draw` (0, 1, …) of flow `flow` in the stream `key`: a uniform u32. */
export function drawRandom(key: number, flow: number, draw: number): number {
  const a = mix32((flow ^ key) >>> 0);
  return mix32((a + Math.imul(draw + 1, 0x9e3779b9)) >>> 0);
}
