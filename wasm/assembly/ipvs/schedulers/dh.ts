// dh — destination hashing (ip_vs_dh.c; dataplane.md 1.8). 256 buckets filled round-robin from the
// list (weights ignored); key = the packet's destination address, bucket = hash_32(daddr, 8);
// no fallback.

import { FLOW_DST_IP } from '../../layout';
import { hash32 } from '../hash';
import { HT_TAB_BITS, HT_TAB_SIZE } from '../layout';
import { NO_DEST, setWork } from '../scheduler';
import { destUnavailable, setSvcTable, svcDestCap, svcDestCount, svcDestFirst, svcTable } from '../service';

/** Fills the 256 buckets: bucket i ← list element (i mod n) (ip_vs_dh_reassign). */
function reassign(svc: usize): void {
  const t = svcTable(svc);
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  for (let i = 0; i < HT_TAB_SIZE; i++) store<i32>(t + (<usize>i << 2), n == 0 ? NO_DEST : first + i % n);
}

@final export class DestinationHash {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return false; }

  init(svc: usize): void {
    if (svcTable(svc) == 0) setSvcTable(svc, heap.alloc(<usize>HT_TAB_SIZE << 2));
    reassign(svc);
  }

  /** Intermediate tables are never observed during a build, so only the last add rebuilds. */
  destAdded(svc: usize): void {
    if (svcDestCount(svc) == svcDestCap(svc)) reassign(svc);
  }

  destUpdated(svc: usize): void {
    reassign(svc);
  }

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    const d = load<i32>(svcTable(svc) + (<usize>hash32(load<u32>(flow, FLOW_DST_IP), HT_TAB_BITS) << 2));
    setWork(1);
    return d == NO_DEST || destUnavailable(d) ? NO_DEST : d;
  }
}
