// First-match scan: the first rule at or after `r` whose whole match succeeds. Every chain ends in
// an unconditional rule, so the scan always stops inside the chain it starts in.
// The destination prefilter (PF_KEY, PF_WILD in layout.ts) rejects rules whose exact -d differs,
// which for KUBE-SERVICES is nearly every rule; only candidates get the full ruleMatches() test,
// in rule order, so side effects of extension matches happen exactly as in a rule-by-rule walk.
// SIMD build: SCAN_BLOCK (16) rules per step over aligned blocks, four i32x4 compares narrowed to
// one 16-bit mask in rule order (i16x8 then i8x16 saturating narrows keep 0 / -1 lanes).

import { pfKey, pfWild } from './image';
import { SCAN_BLOCK } from './layout';
import { ruleMatches } from './match';
import { pktDst } from './packet';

/** Candidate bits of the aligned block at rule `blk`: bit i = rule blk + i. */
// @ts-ignore: decorator
@inline function blockCandidates(vdst: v128, keys: usize, wild: usize, blk: i32): u32 {
  const p = keys + (<usize>blk << 2);
  const lo = i16x8.narrow_i32x4_s(i32x4.eq(v128.load(p), vdst), i32x4.eq(v128.load(p, 16), vdst));
  const hi = i16x8.narrow_i32x4_s(i32x4.eq(v128.load(p, 32), vdst), i32x4.eq(v128.load(p, 48), vdst));
  return <u32>i8x16.bitmask(i8x16.narrow_i16x8_s(lo, hi)) | <u32>load<u16>(wild + (<usize>blk >>> 3));
}

/** Index of the first rule ≥ `r` that matches the current packet. Inlined into the walk's loop. */
// @ts-ignore: decorator
@inline export function scanFrom(r: i32): i32 {
  const keys = pfKey;
  const wild = pfWild;
  if (ASC_FEATURE_SIMD) {
    const vdst = i32x4.splat(pktDst);
    let blk = r & ~(SCAN_BLOCK - 1);
    const lane = <u32>(r & (SCAN_BLOCK - 1));
    // Most walk steps resume at a wild rule (a jump, RETURN, policy or extension-only rule) that
    // matches: test it alone first and build the first block's vector mask only if it fails.
    let bits = <u32>load<u16>(wild + (<usize>blk >>> 3)) & (<u32>1 << lane);
    let rest = (<u32>0xffff << lane) ^ bits;
    while (true) {
      if (bits == 0) {
        if (rest != 0) {
          bits = blockCandidates(vdst, keys, wild, blk) & rest;
          rest = 0;
        }
        while (bits == 0) {
          blk += SCAN_BLOCK;
          bits = blockCandidates(vdst, keys, wild, blk);
        }
      }
      const k = blk + <i32>ctz(bits);
      if (ruleMatches(k)) return k;
      bits &= bits - 1;
    }
  } else {
    // Scalar: find the next wild rule from the bitmap, 32 rules per u32, and compare keys up to it.
    const dst = pktDst;
    while (true) {
      let word = <usize>r >>> 5;
      let w = load<u32>(wild + (word << 2)) & (<u32>0xffffffff << <u32>(r & 31));
      while (w == 0) w = load<u32>(wild + (++word << 2));
      const next = <i32>(word << 5) + <i32>ctz(w);
      for (; r < next; r++) {
        if (load<u32>(keys + (<usize>r << 2)) == dst && ruleMatches(r)) return r;
      }
      if (ruleMatches(next)) return next;
      r = next + 1;
    }
  }
}
