// The two-stage scan wlc and sed share (ip_vs_wlc.c, ip_vs_sed.c; dataplane.md 1.5–1.6): start at
// the first destination with weight > 0 that is not overloaded, then replace the best by any later
// non-overloaded destination whose overhead/weight is strictly lower, compared as 64-bit cross
// products, so ties keep the earlier destination and a weight-0 destination can never win.

import { NO_DEST } from '../scheduler';
import { destActive, destInactive, destOverloaded, destWeight, svcDestCount, svcDestFirst } from '../service';

/** wlc's overhead: 256·active + inactive (ip_vs_dest_conn_overhead). */
export const OVERHEAD_CONNECTIONS: i32 = 0;
/** sed's overhead: active + 1 (inactive connections ignored). */
export const OVERHEAD_ACTIVE_PLUS_ONE: i32 = 1;

// @ts-ignore: decorator
@inline function overhead(d: i32, kind: i32): i64 {
  return kind == OVERHEAD_CONNECTIONS ? (<i64>destActive(d) << 8) + <i64>destInactive(d) : <i64>destActive(d) + 1;
}

/** The destination minimising overhead/weight, or NO_DEST; `kind` is a compile-time constant. */
// @ts-ignore: decorator
@inline export function weightedLeast(svc: usize, kind: i32): i32 {
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  let i = 0;
  let best = NO_DEST;
  let bestOh: i64 = 0;
  for (; i < n; i++) {
    const d = first + i;
    if (!destOverloaded(d) && destWeight(d) > 0) {
      best = d;
      bestOh = overhead(d, kind);
      break;
    }
  }
  if (best == NO_DEST) return NO_DEST;
  for (i++; i < n; i++) {
    const d = first + i;
    if (destOverloaded(d)) continue;
    const oh = overhead(d, kind);
    if (bestOh * <i64>destWeight(d) > oh * <i64>destWeight(best)) {
      best = d;
      bestOh = oh;
    }
  }
  return best;
}
