// Service and destination records (layout.ts) and their accessors. The service arena is the
// virtual-service table (table.ts): a service's index is its slot. The destination list of a
// service is the contiguous range [destFirst, destFirst + destCount) of the destination arena,
// in kernel list order (position 0 = list head = the most recently added destination).

import { alignedAlloc } from '../cache';
import {
  DEST_ACTIVE, DEST_COLD_STRIDE, DEST_ENDPOINT, DEST_FLAGS, DEST_F_OVERLOAD, DEST_F_SERVING, DEST_INACTIVE, DEST_IP,
  DEST_LAST_WEIGHT, DEST_PORT, DEST_SHIFT, DEST_STRIDE, DEST_WEIGHT, SVC_CURSOR, SVC_CW,
  SVC_DEST_BASE, SVC_DEST_CAP, SVC_DEST_COUNT, SVC_DEST_FIRST, SVC_DI, SVC_FLAGS, SVC_MW,
  SVC_COLD_STRIDE, SVC_PORT, SVC_PROTO, SVC_SCHED, SVC_SHIFT, SVC_STRIDE, SVC_TABLE, SVC_TIMEOUT, SVC_VIP,
} from './layout';

/** Arena bases and fill levels (set once by ipvsInit). */
export let svcBase: usize = 0;
let coldBase: usize = 0; // service cold records (layout.ts)
let destColdBase: usize = 0; // destination cold records
export let svcCapacity: i32 = 0;
export let svcUsed: i32 = 0;
export let destBase: usize = 0;
export let destCapacity: i32 = 0;
export let destUsed: i32 = 0;

/** Arenas for `services` services in 2^slotBits table slots and `dests` destinations, all empty. */
export function serviceArenaInit(services: i32, slotBits: i32, dests: i32): void {
  const slots = <usize>1 << <usize>slotBits;
  svcCapacity = services;
  destCapacity = dests;
  svcUsed = 0;
  destUsed = 0;
  // empty slots are zero (proto 0)
  svcBase = alignedAlloc(slots * SVC_STRIDE);
  memory.fill(svcBase, 0, slots * SVC_STRIDE);
  coldBase = alignedAlloc(slots * SVC_COLD_STRIDE);
  memory.fill(coldBase, 0, slots * SVC_COLD_STRIDE);
  destBase = alignedAlloc(<usize>max(dests, 1) * DEST_STRIDE);
  memory.fill(destBase, 0, <usize>max(dests, 1) * DEST_STRIDE);
  destColdBase = alignedAlloc(<usize>max(dests, 1) * DEST_COLD_STRIDE);
  memory.fill(destColdBase, 0, <usize>max(dests, 1) * DEST_COLD_STRIDE);
}

/** Claims `n` consecutive destination records; -1 when the arena is full. */
export function destClaim(n: i32): i32 {
  if (destUsed + n > destCapacity) return -1;
  const d = destUsed;
  destUsed += n;
  return d;
}

// @ts-ignore: decorator
@inline export function svcPtr(s: i32): usize { return svcBase + (<usize>s << SVC_SHIFT); }
/** The cold record of the service record at `p` (the strides are equal, so the offsets are too). */
// @ts-ignore: decorator
@inline function svcCold(p: usize): usize { return coldBase + (p - svcBase); }
// @ts-ignore: decorator
@inline export function destPtr(d: i32): usize { return destBase + (<usize>d << DEST_SHIFT); }
// @ts-ignore: decorator
@inline function destColdPtr(d: i32): usize { return destColdBase + <usize>d * DEST_COLD_STRIDE; }

// Service fields (p = svcPtr(s)).
// @ts-ignore: decorator
@inline export function svcVip(p: usize): u32 { return load<u32>(p, SVC_VIP); }
// @ts-ignore: decorator
@inline export function svcPort(p: usize): u32 { return <u32>load<u16>(p, SVC_PORT); }
// @ts-ignore: decorator
@inline export function svcProto(p: usize): u32 { return <u32>load<u8>(p, SVC_PROTO); }
// @ts-ignore: decorator
@inline export function svcSched(p: usize): i32 { return <i32>load<u8>(p, SVC_SCHED); }
// @ts-ignore: decorator
@inline export function svcFlags(p: usize): u32 { return load<u32>(p, SVC_FLAGS); }
// @ts-ignore: decorator
@inline export function svcDestFirst(p: usize): i32 { return load<i32>(p, SVC_DEST_FIRST); }
// @ts-ignore: decorator
@inline export function svcDestCount(p: usize): i32 { return load<i32>(p, SVC_DEST_COUNT); }
// @ts-ignore: decorator
@inline export function svcDestCap(p: usize): i32 { return load<i32>(svcCold(p), SVC_DEST_CAP); }
// @ts-ignore: decorator
@inline export function svcDestBase(p: usize): i32 { return load<i32>(svcCold(p), SVC_DEST_BASE); }
// @ts-ignore: decorator
@inline export function svcTimeout(p: usize): f64 { return load<f64>(svcCold(p), SVC_TIMEOUT); }
// @ts-ignore: decorator
@inline export function svcCursor(p: usize): i32 { return load<i32>(p, SVC_CURSOR); }
// @ts-ignore: decorator
@inline export function setSvcCursor(p: usize, c: i32): void { store<i32>(p, c, SVC_CURSOR); }
// @ts-ignore: decorator
@inline export function svcCw(p: usize): i32 { return load<i32>(p, SVC_CW); }
// @ts-ignore: decorator
@inline export function setSvcCw(p: usize, v: i32): void { store<i32>(p, v, SVC_CW); }
// @ts-ignore: decorator
@inline export function svcMw(p: usize): i32 { return load<i32>(svcCold(p), SVC_MW); }
// @ts-ignore: decorator
@inline export function setSvcMw(p: usize, v: i32): void { store<i32>(svcCold(p), v, SVC_MW); }
// @ts-ignore: decorator
@inline export function svcDi(p: usize): i32 { return load<i32>(svcCold(p), SVC_DI); }
// @ts-ignore: decorator
@inline export function setSvcDi(p: usize, v: i32): void { store<i32>(svcCold(p), v, SVC_DI); }
// @ts-ignore: decorator
@inline export function svcTable(p: usize): usize { return <usize>load<u32>(p, SVC_TABLE); }
// @ts-ignore: decorator
@inline export function setSvcTable(p: usize, t: usize): void { store<u32>(p, <u32>t, SVC_TABLE); }

// Destination fields (d = global destination index).
// @ts-ignore: decorator
@inline export function destEndpoint(d: i32): i32 { return load<i32>(destPtr(d), DEST_ENDPOINT); }
// @ts-ignore: decorator
@inline export function destIp(d: i32): u32 { return load<u32>(destColdPtr(d), DEST_IP); }
// @ts-ignore: decorator
@inline export function destPort(d: i32): u32 { return <u32>load<u16>(destColdPtr(d), DEST_PORT); }
// @ts-ignore: decorator
@inline export function destWeight(d: i32): i32 { return <i32>load<u16>(destPtr(d), DEST_WEIGHT); }
// @ts-ignore: decorator
@inline export function destLastWeight(d: i32): i32 { return <i32>load<u16>(destColdPtr(d), DEST_LAST_WEIGHT); }
// @ts-ignore: decorator
@inline export function destActive(d: i32): i32 { return load<i32>(destPtr(d), DEST_ACTIVE); }
// @ts-ignore: decorator
@inline export function destInactive(d: i32): i32 { return load<i32>(destPtr(d), DEST_INACTIVE); }
// @ts-ignore: decorator
@inline export function destServing(d: i32): bool { return (<u32>load<u16>(destPtr(d), DEST_FLAGS) & DEST_F_SERVING) != 0; }
// @ts-ignore: decorator
@inline export function destOverloaded(d: i32): bool { return (<u32>load<u16>(destPtr(d), DEST_FLAGS) & DEST_F_OVERLOAD) != 0; }

/** The kernel's is_unavailable(): weight ≤ 0 or OVERLOAD (kube-proxy never sets thresholds). */
// @ts-ignore: decorator
@inline export function destUnavailable(d: i32): bool {
  const p = destPtr(d);
  return load<u16>(p, DEST_WEIGHT) == 0 || (<u32>load<u16>(p, DEST_FLAGS) & DEST_F_OVERLOAD) != 0;
}

// Counter updates, owned by the core (conn.ts), never by schedulers.
// @ts-ignore: decorator
@inline export function destAddActive(d: i32, delta: i32): void {
  const p = destPtr(d);
  store<i32>(p, load<i32>(p, DEST_ACTIVE) + delta, DEST_ACTIVE);
}
// @ts-ignore: decorator
@inline export function destAddInactive(d: i32, delta: i32): void {
  const p = destPtr(d);
  store<i32>(p, load<i32>(p, DEST_INACTIVE) + delta, DEST_INACTIVE);
}

/** Writes a fresh destination record (counters zero). last_weight follows __ip_vs_update_dest on add. */
export function destWrite(d: i32, endpoint: i32, ip: u32, port: u32, weight: i32, serving: bool): void {
  const p = destPtr(d);
  store<i32>(p, endpoint, DEST_ENDPOINT);
  store<u32>(destColdPtr(d), ip, DEST_IP);
  store<u16>(destColdPtr(d), <u16>port, DEST_PORT);
  store<u16>(p, <u16>weight, DEST_WEIGHT);
  store<u16>(destColdPtr(d), <u16>weight, DEST_LAST_WEIGHT);
  store<u64>(p, 0, DEST_ACTIVE);
  store<u16>(p, <u16>(serving ? DEST_F_SERVING : 0), DEST_FLAGS);
}

/** Sets a weight as __ip_vs_update_dest does: last_weight keeps the latest non-zero weight. */
export function destSetWeight(d: i32, weight: i32): void {
  const p = destPtr(d);
  store<u16>(p, <u16>weight, DEST_WEIGHT);
  if (weight != 0) store<u16>(destColdPtr(d), <u16>weight, DEST_LAST_WEIGHT);
}

/** Writes the record of a new service into its slot `s`, with an empty list that will hold `destCap` destinations from `destBaseIdx`. */
export function svcWrite(s: i32, vip: u32, port: u32, proto: u32, sched: i32, flags: u32, timeout: f64, destBaseIdx: i32, destCap: i32): void {
  const p = svcPtr(s);
  memory.fill(p, 0, SVC_STRIDE);
  memory.fill(svcCold(p), 0, SVC_COLD_STRIDE);
  store<u32>(p, vip, SVC_VIP);
  store<u16>(p, <u16>port, SVC_PORT);
  store<u8>(p, <u8>proto, SVC_PROTO);
  store<u8>(p, <u8>sched, SVC_SCHED);
  store<u32>(p, flags, SVC_FLAGS);
  store<i32>(p, destBaseIdx + destCap, SVC_DEST_FIRST);
  store<i32>(p, 0, SVC_DEST_COUNT);
  store<i32>(svcCold(p), destCap, SVC_DEST_CAP);
  store<i32>(svcCold(p), destBaseIdx, SVC_DEST_BASE);
  store<f64>(svcCold(p), timeout, SVC_TIMEOUT);
  store<i32>(p, -1, SVC_CURSOR);
  svcUsed++;
}

/** Links one more destination at the list head; returns its global index. Caller checked capacity. */
export function svcPushHead(p: usize): i32 {
  const first = load<i32>(p, SVC_DEST_FIRST) - 1;
  store<i32>(p, first, SVC_DEST_FIRST);
  store<i32>(p, load<i32>(p, SVC_DEST_COUNT) + 1, SVC_DEST_COUNT);
  return first;
}
