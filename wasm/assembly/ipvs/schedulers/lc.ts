// lc — least connection (ip_vs_lc.c; dataplane.md 1.4). Minimise overhead = 256·active + inactive
// over destinations with weight ≠ 0, not overloaded; strict `<`, so the earliest in list order wins ties.

import { NO_DEST, setWork } from '../scheduler';
import { destActive, destInactive, destOverloaded, destWeight, svcDestCount, svcDestFirst } from '../service';

@final export class LeastConnection {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return true; }

  init(svc: usize): void {}

  destAdded(svc: usize): void {}

  destUpdated(svc: usize): void {}

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    const first = svcDestFirst(svc);
    const n = svcDestCount(svc);
    let best = NO_DEST;
    let bestOh: i64 = 0;
    for (let i = 0; i < n; i++) {
      const d = first + i;
      if (destOverloaded(d) || destWeight(d) == 0) continue;
      const oh = (<i64>destActive(d) << 8) + <i64>destInactive(d);
      if (best == NO_DEST || oh < bestOh) {
        best = d;
        bestOh = oh;
      }
    }
    setWork(n);
    return best;
  }
}
