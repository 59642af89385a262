// sed — shortest expected delay (ip_vs_sed.c; dataplane.md 1.6). As wlc, with overhead = active + 1:
// minimises (active + 1) / weight, ties to the earliest destination; inactive connections are ignored.

import { NO_DEST, setWork } from '../scheduler';
import { destActive, destOverloaded, destWeight, svcDestCount, svcDestFirst } from '../service';

@final export class ShortestExpectedDelay {
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
        bestOh = <i64>destActive(d) + 1;
        break;
      }
    }
    if (best == NO_DEST) return NO_DEST;
    for (i++; i < n; i++) {
      const d = first + i;
      if (destOverloaded(d)) continue;
      const oh = <i64>destActive(d) + 1;
      if (bestOh * <i64>destWeight(d) > oh * <i64>destWeight(best)) {
        best = d;
        bestOh = oh;
      }
    }
    return best;
  }
}
