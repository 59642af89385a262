// wlc — weighted least connection (ip_vs_wlc.c; dataplane.md 1.5). Start from the first destination
// with weight > 0, then replace the best L by D iff overhead(L)·weight(D) > overhead(D)·weight(L),
// in 64 bits, with overhead = 256·active + inactive; strict, so ties keep the earlier destination.

import { setWork } from '../scheduler';
import { svcDestCount } from '../service';
import { OVERHEAD_CONNECTIONS, weightedLeast } from './weighted-least';

@final export class WeightedLeastConnection {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return true; }

  init(svc: usize): void {}

  destAdded(svc: usize): void {}

  destUpdated(svc: usize): void {}

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    setWork(svcDestCount(svc));
    return weightedLeast(svc, OVERHEAD_CONNECTIONS);
  }
}
