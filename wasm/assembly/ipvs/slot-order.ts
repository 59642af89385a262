// A batch's flows grouped by the region of the virtual-service table their service's home slot lies
// in (dispatch.ts runSorted): one stable counting sort on the top bits of the home slot, which
// copies each Flow record to its place. Deciding the flows in this order walks the table region
// by region, each small enough for the cache (REGION_BITS_MAX), and with it the service records
// (the table's slots), their destinations and counts (placed in slot order, service.ts), where a
// large cluster's flows in arrival order miss the cache at every step. Stable, so the flows of one
// service keep their start order.
//
// One pass reads the batch in order and writes each record once: a full sort would end with the
// records gathered at random, and random reads stall where scattered writes do not.

import { FLOW_DST_IP, FLOW_DST_PORT, FLOW_PROTO, FLOW_STRIDE } from '../layout';
import { alignedAlloc } from '../cache';
import { vsHash, vsHomeIndex } from './table';

/** log2 of the most table slots a region holds: 2^10 slots of 32 bytes stay in the second-level cache with their lists. */
const REGION_BITS_MAX: i32 = 10;
/** log2 of the most regions: the write positions of 2^10 regions stay in the first-level cache. */
const REGIONS_BITS_MAX: i32 = 10;
const starts = new StaticArray<u32>(1 << REGIONS_BITS_MAX);

let cap: i32 = 0;
let homes: usize = 0; // home slot of each flow, in batch order
let ordered: usize = 0; // Flow records in region order
let places: usize = 0; // in region order: home << 32 | the flow's index in the batch

/** Room for ordering `count` flows (before a batch's first decision: the only allocation). */
export function slotOrderReserve(count: i32): void {
  if (count <= cap) return;
  cap = max(count, 1024);
  homes = alignedAlloc(<usize>cap << 2);
  ordered = alignedAlloc(<usize>cap * FLOW_STRIDE);
  places = alignedAlloc(<usize>cap << 3);
}

/** The Flow record at place `k` of the order. */
// @ts-ignore: decorator
@inline export function orderedFlow(k: i32): usize { return ordered + <usize>k * FLOW_STRIDE; }
/** The batch index of the flow at place `k`. */
// @ts-ignore: decorator
@inline export function orderedIndex(k: i32): i32 { return <i32>load<u32>(places + (<usize>k << 3)); }
/** The home slot of the flow at place `k`. */
// @ts-ignore: decorator
@inline export function orderedHome(k: i32): u32 { return load<u32>(places + (<usize>k << 3), 4); }

/** Orders flows [0, n) of the batch at `flows` by the region of their home slot in a table of 2^slotBits slots. */
export function sortBySlot(flows: usize, n: i32, slotBits: i32): void {
  const bits = min(max(slotBits - REGION_BITS_MAX, 0), REGIONS_BITS_MAX);
  const shift = <u32>(slotBits - bits);
  const s = changetype<usize>(starts);
  memory.fill(s, 0, <usize>4 << <usize>bits);
  for (let i = 0; i < n; i++) {
    const f = flows + <usize>i * FLOW_STRIDE;
    const home = vsHomeIndex(vsHash(load<u32>(f, FLOW_DST_IP), <u32>load<u16>(f, FLOW_DST_PORT), <u32>load<u8>(f, FLOW_PROTO)));
    store<u32>(homes + (<usize>i << 2), home);
    const c = s + (<usize>(home >> shift) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  // counts become where each region's flows start
  let at: u32 = 0;
  for (let r: usize = 0; r < (<usize>1 << <usize>bits); r++) {
    const c = load<u32>(s + (r << 2));
    store<u32>(s + (r << 2), at);
    at += c;
  }
  for (let i = 0; i < n; i++) {
    const home = load<u32>(homes + (<usize>i << 2));
    const c = s + (<usize>(home >> shift) << 2);
    const k = load<u32>(c);
    store<u32>(c, k + 1);
    store<u64>(places + (<usize>k << 3), (<u64>home << 32) | <u64>i);
    const from = flows + <usize>i * FLOW_STRIDE;
    const to = ordered + <usize>k * FLOW_STRIDE;
    // 8-byte words: V8 runs a short memory.copy as a call into the runtime
    for (let o: usize = 0; o < FLOW_STRIDE; o += 8) store<u64>(to + o, load<u64>(from + o));
  }
}
