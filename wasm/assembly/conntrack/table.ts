// The established-flow path every mode shares (SPEC 1): packets after a flow's first are matched
// in the conntrack table by their 5-tuple and take the flow's NAT binding, with no rule traversal
// and no scheduling. Open addressing with linear probing, power-of-two capacity.
//
// ╒═══════════ Entry (16 bytes) ═══════════╕
//  0       4       8      10     12        16
// │ srcIp │ dstIp │sport │dport │ proto|used │   proto word: protocol in bits 0…7, bit 31 = used

import { FLOW_STRIDE, FLOW_SRC_IP, FLOW_DST_IP, FLOW_SRC_PORT, FLOW_DST_PORT, FLOW_PROTO, FLOW_PACKETS } from '../layout';
import { mix32 } from '../random';

const ENTRY_STRIDE: usize = 16;
const ENTRY_SRC: usize = 0;
const ENTRY_DST: usize = 4;
const ENTRY_PORTS: usize = 8;
const ENTRY_PROTO: usize = 12;
const USED: u32 = 0x80000000;

let tablePtr: usize = 0;
let mask: u32 = 0;
let probes: u64 = 0;

/** Uses `bytes` at `ptr` (capacity = bytes / 16, a power of two) as an empty table. */
export function conntrackConfigure(ptr: usize, capacity: u32): void {
  tablePtr = ptr;
  mask = capacity - 1;
  conntrackClear();
}

/** Forgets every entry (the runner clears between segments to bound memory). */
export function conntrackClear(): void {
  memory.fill(tablePtr, 0, <usize>(mask + 1) * ENTRY_STRIDE);
}

// @ts-ignore: decorator
@inline function slotOf(src: u32, dst: u32, ports: u32, proto: u32): u32 {
  return mix32(src ^ mix32(dst ^ mix32(ports ^ proto))) & mask;
}

/** Inserts the 5-tuples of `count` Flow records (existing tuples are kept). */
export function conntrackInsertBatch(flows: usize, count: u32): void {
  for (let k: u32 = 0; k < count; k++) {
    const f = flows + <usize>k * FLOW_STRIDE;
    const src = load<u32>(f + FLOW_SRC_IP);
    const dst = load<u32>(f + FLOW_DST_IP);
    const ports = (<u32>load<u16>(f + FLOW_SRC_PORT) << 16) | <u32>load<u16>(f + FLOW_DST_PORT);
    const proto = load<u32>(f + FLOW_PROTO) | USED;
    let s = slotOf(src, dst, ports, proto);
    for (;;) {
      const e = tablePtr + <usize>s * ENTRY_STRIDE;
      const p = load<u32>(e + ENTRY_PROTO);
      if (p == 0) {
        store<u32>(e + ENTRY_SRC, src);
        store<u32>(e + ENTRY_DST, dst);
        store<u32>(e + ENTRY_PORTS, ports);
        store<u32>(e + ENTRY_PROTO, proto);
        break;
      }
      if (p == proto && load<u32>(e + ENTRY_SRC) == src && load<u32>(e + ENTRY_DST) == dst && load<u32>(e + ENTRY_PORTS) == ports) break;
      s = (s + 1) & mask;
    }
  }
}

/**
 * Looks up every established packet of `count` Flow records (packets − 1 per flow, the first
 * having taken the new-flow path); returns how many lookups found their entry.
 */
export function conntrackLookupBatch(flows: usize, count: u32): u32 {
  let hits: u32 = 0;
  let probeCount: u64 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const f = flows + <usize>k * FLOW_STRIDE;
    const src = load<u32>(f + FLOW_SRC_IP);
    const dst = load<u32>(f + FLOW_DST_IP);
    const ports = (<u32>load<u16>(f + FLOW_SRC_PORT) << 16) | <u32>load<u16>(f + FLOW_DST_PORT);
    const proto = load<u32>(f + FLOW_PROTO) | USED;
    const n = load<u32>(f + FLOW_PACKETS);
    for (let pk: u32 = 1; pk < n; pk++) {
      let s = slotOf(src, dst, ports, proto);
      for (;;) {
        probeCount++;
        const e = tablePtr + <usize>s * ENTRY_STRIDE;
        const p = load<u32>(e + ENTRY_PROTO);
        if (p == 0) break;
        if (p == proto && load<u32>(e + ENTRY_SRC) == src && load<u32>(e + ENTRY_DST) == dst && load<u32>(e + ENTRY_PORTS) == ports) {
          hits++;
          break;
        }
        s = (s + 1) & mask;
      }
    }
  }
  probes += probeCount;
  return hits;
}

/** Probes made by all lookups so far. */
export function conntrackProbes(): u64 {
  return probes;
}
