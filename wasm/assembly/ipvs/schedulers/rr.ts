// rr — round robin (ip_vs_rr.c; dataplane.md 1.2). Walk forward from the element after the cursor,
// wrapping past the head, and take the first destination with weight > 0 that is not overloaded.

import { NO_DEST, setWork } from '../scheduler';
import { destUnavailable, setSvcCursor, svcCursor, svcDestCount, svcDestFirst } from '../service';

@final export class RoundRobin {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return false; }

  init(svc: usize): void {
    setSvcCursor(svc, -1);
  }

  /** The kernel's rr has no add_dest hook: the cursor stays where it is. */
  destAdded(svc: usize): void {}

  destUpdated(svc: usize): void {}

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    const first = svcDestFirst(svc);
    const n = svcDestCount(svc);
    const c = svcCursor(svc);
    let visited = 0;
    // elements after the cursor up to the tail, then (if the cursor is an element) head … cursor
    for (let i = c + 1; i < n; i++) {
      visited++;
      if (!destUnavailable(first + i)) {
        setSvcCursor(svc, i);
        setWork(visited);
        return first + i;
      }
    }
    for (let i = 0; i <= c; i++) {
      visited++;
      if (!destUnavailable(first + i)) {
        setSvcCursor(svc, i);
        setWork(visited);
        return first + i;
      }
    }
    setWork(visited);
    return NO_DEST;
  }
}
