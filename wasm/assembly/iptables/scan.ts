// First-match scan: the first rule at or after `r` whose whole match succeeds. Every chain ends in
// an unconditional rule, so the scan always stops inside the chain it starts in.
// The destination prefilter (R_PF_*) rejects rules whose -d test fails, which for KUBE-SERVICES is
// nearly every rule; only candidates get the full ruleMatches() test, in rule order, so side
// effects of extension matches happen exactly as in a rule-by-rule walk.
// SIMD build: the prefilter tests SCAN_BLOCK (8) rules per step with two i32x4 compares.

import { pfMask, pfNet } from './image';
import { SCAN_BLOCK } from './layout';
import { ruleMatches } from './match';
import { pktDst } from './packet';

/** Index of the first rule ≥ `r` that matches the current packet. */
export function scanFrom(r: i32): i32 {
  const net = pfNet;
  const mask = pfMask;
  if (ASC_FEATURE_SIMD) {
    const vdst = i32x4.splat(pktDst);
    while (true) {
      const off = <usize>r << 2;
      const m0 = i32x4.eq(v128.and(vdst, v128.load(mask + off)), v128.load(net + off));
      const m1 = i32x4.eq(v128.and(vdst, v128.load(mask + off, 16)), v128.load(net + off, 16));
      if (v128.any_true(v128.or(m0, m1))) {
        let bits = i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4);
        do {
          const k = r + <i32>ctz(bits);
          if (ruleMatches(k)) return k;
          bits &= bits - 1;
        } while (bits != 0);
      }
      r += SCAN_BLOCK;
    }
  } else {
    const dst = pktDst;
    while (true) {
      const off = <usize>r << 2;
      if ((dst & load<u32>(mask + off)) == load<u32>(net + off) && ruleMatches(r)) return r;
      r++;
    }
  }
}
