// nq — never queue (ip_vs_nq.c; dataplane.md 1.7). The first usable destination with no active
// connection wins at once; otherwise as sed (minimise (active + 1) / weight, earliest wins ties).

import { NO_DEST, setWork } from '../scheduler';
import { destActive, destOverloaded, destWeight, svcDestCount, svcDestFirst } from '../service';

@final export class NeverQueue {
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
      const active = destActive(d);
      if (active == 0) {
        setWork(i + 1);
        return d;
      }
      const oh = <i64>active + 1;
      if (best == NO_DEST || bestOh * <i64>destWeight(d) > oh * <i64>destWeight(best)) {
        best = d;
        bestOh = oh;
      }
    }
    setWork(n);
    return best;
  }
}
