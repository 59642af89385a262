// sed — shortest expected delay (ip_vs_sed.c; dataplane.md 1.6). As wlc, with overhead = active + 1:
// minimises (active + 1) / weight, ties to the earliest destination; inactive connections are ignored.

import { setWork } from '../scheduler';
import { svcDestCount } from '../service';
import { OVERHEAD_ACTIVE_PLUS_ONE, weightedLeast } from './weighted-least';

@final export class ShortestExpectedDelay {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return true; }

  init(svc: usize): void {}

  destAdded(svc: usize): void {}

  destUpdated(svc: usize): void {}

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    setWork(svcDestCount(svc));
    return weightedLeast(svc, OVERHEAD_ACTIVE_PLUS_ONE);
  }
}
