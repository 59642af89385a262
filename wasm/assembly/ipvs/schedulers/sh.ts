// sh — source hashing (ip_vs_sh.c; dataplane.md 1.10). 256 buckets; each list element in turn fills
// `weight` consecutive buckets (at least one). Key = source address (+ source port with sh-port);
// h0 = hash_32(port + addr, 8). sh-fallback probes buckets (2·h0 + k) mod 256.

import { FLOW_SRC_IP, FLOW_SRC_PORT } from '../../layout';
import { hash32 } from '../hash';
import { HT_TAB_BITS, HT_TAB_MASK, HT_TAB_SIZE, SVC_F_SCHED1, SVC_F_SCHED2 } from '../layout';
import { NO_DEST, setWork } from '../scheduler';
import {
  destUnavailable, destWeight, setSvcTable, svcDestCap, svcDestCount, svcDestFirst, svcFlags, svcTable,
} from '../service';

/** ip_vs_sh_reassign: cycle the list, advancing after `++count >= weight`. */
function reassign(svc: usize): void {
  const t = svcTable(svc);
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  let pos = 0;
  let count = 0;
  for (let i = 0; i < HT_TAB_SIZE; i++) {
    if (n == 0) {
      store<i32>(t + (<usize>i << 2), NO_DEST);
      continue;
    }
    const d = first + pos;
    store<i32>(t + (<usize>i << 2), d);
    if (++count >= destWeight(d)) {
      pos = pos + 1 == n ? 0 : pos + 1;
      count = 0;
    }
  }
}

@final export class SourceHash {
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
    const flags = svcFlags(svc);
    const port: u32 = (flags & SVC_F_SCHED2) != 0 ? <u32>load<u16>(flow, FLOW_SRC_PORT) : 0;
    const h0 = hash32(port + load<u32>(flow, FLOW_SRC_IP), HT_TAB_BITS);
    const t = svcTable(svc);
    let d = load<i32>(t + (<usize>h0 << 2));
    if ((flags & SVC_F_SCHED1) == 0) {
      setWork(1);
      return d == NO_DEST || destUnavailable(d) ? NO_DEST : d;
    }
    let probes = 1;
    if (d != NO_DEST && destUnavailable(d)) {
      d = NO_DEST;
      for (let k: u32 = 0; k < <u32>HT_TAB_SIZE; k++) {
        const roffset = (k + h0) & HT_TAB_MASK;
        probes++;
        const b = load<i32>(t + (<usize>((roffset + h0) & HT_TAB_MASK) << 2));
        if (b == NO_DEST) break;
        if (!destUnavailable(b)) {
          d = b;
          break;
        }
      }
    }
    setWork(probes);
    return d;
  }
}
