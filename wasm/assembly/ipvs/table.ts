// Virtual-service table: open addressing with linear probing over 2^bits slots (load ≤ 1/2, sized
// by the host), keyed by (VIP, port, protocol). Probes (slots examined) are counted per lookup.

import { alignedAlloc } from '../cache';
import { fmix32 } from './hash';
import { VS_PORTPROTO, VS_SLOT_SHIFT, VS_SLOT_STRIDE, VS_SVC, VS_VIP } from './layout';

let base: usize = 0;
let mask: u32 = 0;
let probes: i32 = 0;
let totalProbes: u64 = 0;
let lookups: u64 = 0;

export function vsTableInit(bits: i32): void {
  const slots = <usize>1 << <usize>bits;
  mask = <u32>(slots - 1);
  base = alignedAlloc(slots * VS_SLOT_STRIDE);
  memory.fill(base, 0xff, slots * VS_SLOT_STRIDE);
  totalProbes = 0;
  lookups = 0;
}

// @ts-ignore: decorator
@inline function keyHash(vip: u32, portProto: u32): u32 {
  return fmix32(vip ^ portProto * 0x9e3779b1);
}

/** Inserts a key; returns false when the key is already present or the table is full. */
export function vsInsert(vip: u32, port: u32, proto: u32, svc: i32): bool {
  const pp = (port << 8) | proto;
  let i = keyHash(vip, pp) & mask;
  for (let n: u32 = 0; n <= mask; n++) {
    const p = base + (<usize>i << VS_SLOT_SHIFT);
    const s = load<i32>(p, VS_SVC);
    if (s < 0) {
      store<u32>(p, vip, VS_VIP);
      store<u32>(p, pp, VS_PORTPROTO);
      store<i32>(p, svc, VS_SVC);
      return true;
    }
    if (load<u32>(p, VS_VIP) == vip && load<u32>(p, VS_PORTPROTO) == pp) return false;
    i = (i + 1) & mask;
  }
  return false;
}

/** The hash a lookup of (vip, port, proto) starts from: vsHome() and vsLookupHashed() take it. */
// @ts-ignore: decorator
@inline export function vsHash(vip: u32, port: u32, proto: u32): u32 {
  return keyHash(vip, (port << 8) | proto);
}

/** The first slot a lookup with hash `h` reads: loading it early lets the misses of many lookups overlap. */
// @ts-ignore: decorator
@inline export function vsHome(h: u32): usize {
  return base + (<usize>(h & mask) << VS_SLOT_SHIFT);
}

/**
 * The service owning (proto, vip, port), whose hash vsHash() gave `h`, or -1; the slots examined
 * are left in lastProbes().
 */
// @ts-ignore: decorator
@inline export function vsLookupHashed(h: u32, vip: u32, port: u32, proto: u32): i32 {
  const pp = (port << 8) | proto;
  let i = h & mask;
  let n = 1;
  let found = -1;
  while (true) {
    const p = base + (<usize>i << VS_SLOT_SHIFT);
    const s = load<i32>(p, VS_SVC);
    if (s < 0) break;
    if (load<u32>(p, VS_VIP) == vip && load<u32>(p, VS_PORTPROTO) == pp) {
      found = s;
      break;
    }
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
