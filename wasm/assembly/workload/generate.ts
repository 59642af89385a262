// Synthetic workload (SPEC 2.2) generated inside WASM, straight into Flow records: flow i is a
// pure function of (seed, i), so a shard generates exactly its own flows with no shared state.
// Bit-identical to src/gen/flows.ts (the reference), draw slot by draw slot.

import {
  FLOW_STRIDE, FLOW_SRC_IP, FLOW_DST_IP, FLOW_SRC_PORT, FLOW_DST_PORT, FLOW_PROTO, FLOW_INDEX,
  FLOW_START, FLOW_DURATION, FLOW_PACKETS,
} from '../layout';
import { mix32 } from '../random';
import { lnUnit } from '../detln';

/** Draw slots of one flow (src/gen/flows.ts WorkloadDraw). */
const DRAW_SERVICE: u32 = 0;
const DRAW_MISS_SPORT: u32 = 1;
const DRAW_CLIENT: u32 = 2;
const DRAW_ARRIVAL: u32 = 3;
const DRAW_DURATION: u32 = 4;
const DRAW_PACKETS: u32 = 5;
const GOLDEN: u32 = 0x9e3779b9;

const CLIENT_BASE: u32 = 0x0afa0000; // 10.250.0.0
const MISS_BASE: u32 = 0xcb007100; // 203.0.113.0
const MISS_PORT: u32 = 80;
const TCP: u32 = 6;
const SPORT_BASE: u32 = 1024;
const SPORT_SPAN: u32 = 64512;
const TWO_POW_M32: f64 = 2.3283064365386963e-10; // 2^-32: scaling by it is exact

let key: u32 = 0;
let serviceCount: u32 = 0;
let svcIp: usize = 0;
let svcPort: usize = 0;
let svcProto: usize = 0;
let zipfCdf: usize = 0;
let missThreshold: u32 = 0;
let clientCount: u32 = 1;
let invRate: f64 = 1.0;
let meanDuration: f64 = 1.0;
let invLnQ: f64 = 0.0;

/**
 * Sets the workload. `ipPtr`/`portPtr`/`protoPtr` are u32 arrays of the services' ClusterIP, port
 * and protocol number; `cdfPtr` is the zipf CDF (f64 per service, host-computed) or 0 for uniform;
 * `miss16` = round(miss·65536); `invLnQ` = 1/ln(1 − 1/meanPackets), or 0 for one packet per flow.
 */
export function workloadConfigure(
  streamKey: u32, services: u32, ipPtr: usize, portPtr: usize, protoPtr: usize, cdfPtr: usize,
  miss16: u32, clients: u32, flowRate: f64, duration: f64, packetsInvLnQ: f64,
): void {
  key = streamKey;
  serviceCount = services;
  svcIp = ipPtr;
  svcPort = portPtr;
  svcProto = protoPtr;
  zipfCdf = cdfPtr;
  missThreshold = miss16;
  clientCount = clients;
  invRate = 1.0 / flowRate;
  meanDuration = duration;
  invLnQ = packetsInvLnQ;
}

// @ts-ignore: decorator
@inline function chooseService(r: u32): u32 {
  if (zipfCdf == 0) return <u32>((<u64>r * <u64>serviceCount) >> 32);
  const u = <f64>r * TWO_POW_M32;
  let lo: u32 = 0;
  let hi: u32 = serviceCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(zipfCdf + (<usize>mid << 3)) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Writes the flows among `first … first+count−1` that belong to shard `shard` of `shards` (a hit
 * belongs to the shard of its service, `service % shards`; a miss to `i % shards`) into `out`.
 * Returns how many were written.
 */
export function workloadGenerate(first: u32, count: u32, shard: u32, shards: u32, out: usize): u32 {
  let written: u32 = 0;
  const end = first + count;
  for (let i = first; i < end; i++) {
    const a = mix32(i ^ key);
    const ms = mix32(a + (DRAW_MISS_SPORT + 1) * GOLDEN);
    const isMiss = serviceCount == 0 || (ms >>> 16) < missThreshold;
    let s: u32 = 0;
    if (!isMiss) s = chooseService(mix32(a + (DRAW_SERVICE + 1) * GOLDEN));
    if (shards > 1 && (isMiss ? i : s) % shards != shard) continue;
    const f = out + <usize>written * FLOW_STRIDE;
    const client = <u32>((<u64>mix32(a + (DRAW_CLIENT + 1) * GOLDEN) * <u64>clientCount) >> 32);
    store<u32>(f + FLOW_SRC_IP, CLIENT_BASE + client);
    store<u16>(f + FLOW_SRC_PORT, <u16>(SPORT_BASE + (ms & 0xffff) % SPORT_SPAN));
    if (isMiss) {
      store<u32>(f + FLOW_DST_IP, MISS_BASE + (i & 0xff));
      store<u16>(f + FLOW_DST_PORT, <u16>MISS_PORT);
      store<u32>(f + FLOW_PROTO, TCP);
    } else {
      const o = <usize>s << 2;
      store<u32>(f + FLOW_DST_IP, load<u32>(svcIp + o));
      store<u16>(f + FLOW_DST_PORT, <u16>load<u32>(svcPort + o));
      store<u32>(f + FLOW_PROTO, load<u32>(svcProto + o));
    }
    store<u32>(f + FLOW_INDEX, i);
    const arrival = mix32(a + (DRAW_ARRIVAL + 1) * GOLDEN);
    store<f64>(f + FLOW_START, (<f64>i + <f64>arrival * TWO_POW_M32) * invRate);
    store<f64>(f + FLOW_DURATION, -lnUnit(mix32(a + (DRAW_DURATION + 1) * GOLDEN) | 1) * meanDuration);
    let packets: u32 = 1;
    if (invLnQ != 0.0) {
      const extra = lnUnit(mix32(a + (DRAW_PACKETS + 1) * GOLDEN) | 1) * invLnQ;
      packets = extra >= 2147483647.0 ? 2147483647 : 1 + <u32>extra;
    }
    store<u32>(f + FLOW_PACKETS, packets);
    written++;
  }
  return written;
}
