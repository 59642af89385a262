// `numgen random mod n` as nft_numgen.c computes it: reciprocal_scale(r, n) = ((u64)r · n) >> 32
// (offset 0), i.e. ⌊r·n/2^32⌋ — one u32 draw per new flow, bias below n/2^32.

/** The vmap index `numgen random mod n` yields for the random word `r` (u32), n ≥ 1. */
export function numgenIndex(r: number, n: number): number {
  return Number((BigInt(r >>> 0) * BigInt(n)) >> 32n);
}
