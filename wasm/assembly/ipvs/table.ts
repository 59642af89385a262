// Virtual-service table: open addressing with linear probing over 2^bits slots (load ≤ 1/2, sized
// by the host), keyed by (VIP, port, protocol). Its slots are the service records themselves
// (layout.ts, service.ts), so a lookup returns the slot index, which is the service index. Probes
// (slots examined) are counted per lookup.

import { fmix32 } from './hash';
import { SVC_KEY_MASK, SVC_KEY_PROTO_SHIFT, SVC_SHIFT } from './layout';
import { svcBase } from './service';

let mask: u32 = 0;
let probes: i32 = 0;
let totalProbes: u64 = 0;
let lookups: u64 = 0;

/** An empty table of 2^bits slots over the service arena (serviceArenaInit allocated it). */
export function vsTableInit(bits: i32): void {
  mask = (<u32>1 << <u32>bits) - 1;
  totalProbes = 0;
  lookups = 0;
}

// @ts-ignore: decorator
@inline function keyHash(vip: u32, portProto: u32): u32 {
  return fmix32(vip ^ portProto * 0x9e3779b1);
}

/** The key word of (vip, port, proto) as it sits in a service record (SVC_KEY_MASK bytes). */
// @ts-ignore: decorator
@inline function keyWord(vip: u32, port: u32, proto: u32): u64 {
  return <u64>vip | (<u64>port << 32) | (<u64>proto << SVC_KEY_PROTO_SHIFT);
}

// @ts-ignore: decorator
@inline function slotPtr(i: u32): usize { return svcBase + (<usize>i << SVC_SHIFT); }

/**
 * The slot a new service (vip, port, proto) goes to: the first empty one of its probe sequence;
 * -1 when the key is present already or the table is full. The slot stays empty until the
 * service record is written there.
 */
export function vsClaim(vip: u32, port: u32, proto: u32): i32 {
  const key = keyWord(vip, port, proto);
  let i = vsHash(vip, port, proto) & mask;
  for (let n: u32 = 0; n <= mask; n++) {
    const w = load<u64>(slotPtr(i)) & SVC_KEY_MASK;
    if (w >> SVC_KEY_PROTO_SHIFT == 0) return <i32>i;
    if (w == key) return -1;
    i = (i + 1) & mask;
  }
  return -1;
}

/** The hash a lookup of (vip, port, proto) starts from: vsHome() and vsLookupHashed() take it. */
// @ts-ignore: decorator
@inline export function vsHash(vip: u32, port: u32, proto: u32): u32 {
  return keyHash(vip, (port << 8) | proto);
}

/** The first slot a lookup with hash `h` reads: loading it early lets the misses of many lookups overlap. */
// @ts-ignore: decorator
@inline export function vsHome(h: u32): usize {
  return slotPtr(h & mask);
}

/**
 * The service owning (proto, vip, port), whose hash vsHash() gave `h`, or -1; the slots examined
 * are left in lastProbes().
 */
// @ts-ignore: decorator
@inline export function vsLookupHashed(h: u32, vip: u32, port: u32, proto: u32): i32 {
  const key = keyWord(vip, port, proto);
  let i = h & mask;
  let n = 1;
  let found = -1;
  while (true) {
    const w = load<u64>(slotPtr(i)) & SVC_KEY_MASK;
    if (w == key) {
      found = <i32>i;
      break;
    }
    if (w >> SVC_KEY_PROTO_SHIFT == 0) break;
    i = (i + 1) & mask;
    n++;
  }
  probes = n;
  totalProbes += <u64>n;
  lookups++;
  return found;
}

/** Slots examined by the last lookup. */
// @ts-ignore: decorator
@inline export function lastProbes(): i32 { return probes; }

export function vsTotalProbes(): u64 { return totalProbes; }
export function vsLookups(): u64 { return lookups; }
