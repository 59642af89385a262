// mh — Maglev hashing (ip_vs_mh.c; dataplane.md 1.11). M = 4093 slots; each destination walks its
// permutation offset, offset+skip, … (from SipHash-1-3 of its address and port) claiming `turns`
// free slots per round, turns from last_weight (so a weight-0, terminating destination keeps its
// slots). Lookup: slot hashkey(client, port) mod M; mh-fallback rehashes with growing offsets.

import { FLOW_SRC_IP, FLOW_SRC_PORT } from '../../layout';
import { MH_HASH1, MH_HASH2, mhHashkey } from '../hash';
import { MH_TAB_BITS, MH_TAB_SIZE, SVC_F_SCHED1, SVC_F_SCHED2 } from '../layout';
import { gcd, NO_DEST, setWork } from '../scheduler';
import {
  destIp, destLastWeight, destPort, destUnavailable, setSvcTable, svcDestCap, svcDestCount, svcDestFirst,
  svcFlags, svcTable,
} from '../service';

// Scratch for one population: per list element offset, skip, perm, turns (u32 each), and a byte
// per slot for "claimed". Allocated once; populations never overlap.
let setup: usize = 0;
let claimed: usize = 0;

/** fls(): 1-based index of the highest set bit, 0 for 0. */
// @ts-ignore: decorator
@inline function fls(x: u32): i32 {
  return 32 - <i32>clz<u32>(x);
}

/** ip_vs_mh_permutate + ip_vs_mh_populate (or reset when no last_weight is positive). */
function reassign(svc: usize): void {
  const t = svcTable(svc);
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  let g = 0;
  let maxw = 0;
  for (let i = 0; i < n; i++) {
    const w = destLastWeight(first + i);
    if (w > 0) {
      g = g > 0 ? gcd(w, g) : w;
      if (w > maxw) maxw = w;
    }
  }
  if (g < 1) {
    for (let i = 0; i < MH_TAB_SIZE; i++) store<i32>(t + (<usize>i << 2), NO_DEST);
    return;
  }
  const rshift = max(fls(<u32>(maxw / g)) - MH_TAB_BITS, 0);
  if (setup == 0) {
    setup = heap.alloc(<usize>MH_TAB_SIZE << 4);
    claimed = heap.alloc(<usize>MH_TAB_SIZE);
  }
  for (let i = 0; i < n; i++) {
    const d = first + i;
    const s = setup + (<usize>i << 4);
    const offset = mhHashkey(destIp(d), destPort(d), MH_HASH1, 0) % <u32>MH_TAB_SIZE;
    const skip = mhHashkey(destIp(d), destPort(d), MH_HASH2, 0) % <u32>(MH_TAB_SIZE - 1) + 1;
    const lw = destLastWeight(d);
    let turns = (lw / g) >> rshift;
    if (turns == 0) turns = lw != 0 ? 1 : 0;
    store<u32>(s, offset, 0);
    store<u32>(s, skip, 4);
    store<u32>(s, offset, 8);
    store<i32>(s, turns, 12);
  }
  memory.fill(claimed, 0, <usize>MH_TAB_SIZE);
  let filled = 0;
  while (filled < MH_TAB_SIZE) {
    let i = 0;
    let dtCount = 0;
    while (i < n) {
      const s = setup + (<usize>i << 4);
      const turns = load<i32>(s, 12);
      if (turns < 1) {
        i++;
        continue;
      }
      const skip = load<u32>(s, 4);
      let c = load<u32>(s, 8);
      while (load<u8>(claimed + <usize>c) != 0) {
        c += skip;
        if (c >= <u32>MH_TAB_SIZE) c -= <u32>MH_TAB_SIZE;
      }
      store<u32>(s, c, 8);
      store<u8>(claimed + <usize>c, 1);
      store<i32>(t + (<usize>c << 2), first + i);
      if (++filled == MH_TAB_SIZE) return;
      if (++dtCount >= turns) {
        dtCount = 0;
        i++;
      }
    }
  }
}

@final export class MaglevHash {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return false; }

  init(svc: usize): void {
    if (svcTable(svc) == 0) setSvcTable(svc, heap.alloc(<usize>MH_TAB_SIZE << 2));
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
    const addr = load<u32>(flow, FLOW_SRC_IP);
    const t = svcTable(svc);
    const home = mhHashkey(addr, port, MH_HASH1, 0) % <u32>MH_TAB_SIZE;
    let d = load<i32>(t + (<usize>home << 2));
    if ((flags & SVC_F_SCHED1) == 0) {
      setWork(1);
      return d == NO_DEST || destUnavailable(d) ? NO_DEST : d;
    }
    let probes = 1;
    if (d != NO_DEST && destUnavailable(d)) {
      d = NO_DEST;
      for (let k: u32 = 0; k < <u32>MH_TAB_SIZE; k++) {
        const roffset = (k + home) % <u32>MH_TAB_SIZE;
        probes++;
        const b = load<i32>(t + (<usize>(mhHashkey(addr, port, MH_HASH1, roffset) % <u32>MH_TAB_SIZE) << 2));
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
