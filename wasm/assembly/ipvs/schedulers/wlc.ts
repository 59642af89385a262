// wlc — weighted least connection (ip_vs_wlc.c; dataplane.md 1.5). Start from the first destination
// with weight > 0, then replace the best L by D iff overhead(L)·weight(D) > overhead(D)·weight(L),
// in 64 bits; strict, so ties keep the earlier destination and weight 0 never wins.

import { NO_DEST, setWork } from '../scheduler';
import { destActive, destInactive, destOverloaded, destWeight, svcDestCount, svcDestFirst } from '../service';

@final export class WeightedLeastConnection {
  init(svc: usize): void {}

  destAdded(svc: usize): void {}

  destUpdated(svc: usize): void {}

  pick(svc: usize, flow: usize): i32 {
    const first = svcDestFirst(svc);
    const n = svcDestCount(svc);
    setWork(n);
    let i = 0;
    let best = NO_DEST;
    let bestOh: i64 = 0;
    for (; i < n; i++) {
      const d = first + i;
      if (!destOverloaded(d) && destWeight(d) > 0) {
        best = d;
        bestOh = (<i64>destActive(d) << 8) + <i64>destInactive(d);
        break;
      }
    }
    if (best == NO_DEST) return NO_DEST;
    for (i++; i < n; i++) {
      const d = first + i;
      if (destOverloaded(d)) continue;
      const oh = (<i64>destActive(d) << 8) + <i64>destInactive(d);
      if (bestOh * <i64>destWeight(d) > oh * <i64>destWeight(best)) {
        best = d;
        bestOh = oh;
      }
    }
    return best;
  }
}
