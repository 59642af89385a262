// Synthetic workload (SPEC 2.2) generated inside WASM, straight into Flow records: flow i is a
// pure function of (seed, i), so a shard generates exactly its own flows with no shared state.
// Bit-identical to src/gen/flows.ts (the reference), draw word by draw word. The SIMD build
// makes four flows per step, one per i32x4 lane; the scalar build one at a time.
//
// Draw words of flow i (a = mix32(i ^ key), w_j = mix32(a + j·GOLDEN)):
//   a   service (uniform: ⌊a·n/2^32⌋; zipf: first CDF entry above a/2^32)
//   w1  client ⌊w1·clients/2^32⌋
//   w2  miss test (top 16 bits < round(miss·65536)), source port (low 16 bits)
//   w3  arrival fraction (low 16 bits), split V of the Gamma(2) draw (top 16 bits)
//   w4, w5  G = −ln(u4·u5) ~ Gamma(2), u = ((w >>> 1) | 1)/2^31; duration = G·V·mean, packets from G·(1 − V)

import {
  FLOW_STRIDE, FLOW_SRC_IP, FLOW_DST_IP, FLOW_SRC_PORT, FLOW_DST_PORT, FLOW_PROTO, FLOW_INDEX,
  FLOW_START, FLOW_DURATION, FLOW_PACKETS,
} from '../layout';
import { mix32 } from '../random';
import { lnScaled62, LN_PAIRS } from '../detln';

const GOLDEN: u32 = 0x9e3779b9;
const CLIENT_BASE: u32 = 0x0afa0000; // 10.250.0.0
const MISS_BASE: u32 = 0xcb007100; // 203.0.113.0
const MISS_PORT: u32 = 80;
const TCP: u32 = 6;
const SPORT_BASE: u32 = 1024;
const SPORT_SPAN: u32 = 64512;
const TWO_POW_M32: f64 = 2.3283064365386963e-10; // 2^-32: scaling by it is exact
const TWO_POW_M16: f64 = 1.52587890625e-5;
const TWO_POW_M17: f64 = 7.62939453125e-6;
const PACKETS_CAP: f64 = 2147483646.0; // 1 + cap = i32 max
const LN2: f64 = 0.6931471805599453;
/** Filter pass of a sharded call: flow indices kept, then generated four at a time. */
const SCRATCH: u32 = 1024;
const kept = new StaticArray<u32>(<i32>SCRATCH + 4);

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
let perLnQ: f64 = 0.0;
/** Service rows laid out as the first 16 bytes of their flows' records (see packServices). */
let svcRows: usize = 0;
let svcRowsCapacity: u32 = 0;
/** Zipf guide over 2^guideBits + 1 points: entry b is the service chosen at u = b/2^guideBits. */
let guide: usize = 0;
let guideBits: u32 = 0;
let guideCapacity: u32 = 0;

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
  missThreshold = services == 0 ? 0x10000 : miss16; // no service: every flow misses
  clientCount = clients;
  invRate = 1.0 / flowRate;
  meanDuration = duration;
  perLnQ = -packetsInvLnQ;
  packServices();
  if (cdfPtr != 0) buildGuide();
  if (ASC_FEATURE_SIMD) hoist();
}

/**
 * Rows `[0, clusterIP, port << 16, proto]` per service plus a last row for misses
 * `[0, MISS_BASE, MISS_PORT << 16, TCP]`: a flow's first 16 bytes are its row OR
 * `[client, miss ? i & 0xff : 0, sport, 0]`, one 16-byte load per flow. Grown, never freed
 * (stub runtime), so reconfiguring an instance reuses it.
 */
function packServices(): void {
  const n = serviceCount;
  if (n + 1 > svcRowsCapacity) {
    svcRows = heap.alloc(<usize>(n + 1) << 4);
    svcRowsCapacity = n + 1;
  }
  for (let s: u32 = 0; s < n; s++) {
    const o = <usize>s << 2;
    const row = svcRows + (<usize>s << 4);
    store<u32>(row, 0);
    store<u32>(row, load<u32>(svcIp + o), 4);
    store<u32>(row, load<u32>(svcPort + o) << 16, 8);
    store<u32>(row, load<u32>(svcProto + o), 12);
  }
  const miss = svcRows + (<usize>n << 4);
  store<u32>(miss, 0);
  store<u32>(miss, MISS_BASE, 4);
  store<u32>(miss, MISS_PORT << 16, 8);
  store<u32>(miss, TCP, 12);
}

/** Guide table over the zipf CDF, about two entries per service (at most 2^16). */
function buildGuide(): void {
  let bits: u32 = 4;
  while (bits < 16 && (<u32>1 << bits) < 2 * serviceCount) bits++;
  const size = (<u32>1 << bits) + 1;
  if (size > guideCapacity) {
    guide = heap.alloc(<usize>size << 2);
    guideCapacity = size;
  }
  guideBits = bits;
  const last = serviceCount - 1;
  let k: u32 = 0;
  for (let b: u32 = 0; b < size; b++) {
    const u = <f64>b / <f64>(<u32>1 << bits);
    while (k < last && load<f64>(zipfCdf + (<usize>k << 3)) <= u) k++;
    store<u32>(guide + (<usize>b << 2), k);
  }
}

// @ts-ignore: decorator
@inline function mulHigh(r: u32, n: u32): u32 {
  return <u32>((<u64>r * <u64>n) >> 32);
}

/**
 * Smallest k with cdf[k] > a/2^32 (n − 1 if none), or the uniform choice. The guide narrows the
 * binary search to [guide[b], guide[b + 1]], b = the top guideBits of a: cdf[guide[b]−1] ≤ b/2^bits
 * ≤ a/2^32 < (b + 1)/2^bits < cdf[guide[b + 1]], so the answer is the same as over [0, n − 1].
 */
// @ts-ignore: decorator
@inline function chooseService(a: u32): u32 {
  if (zipfCdf == 0) return mulHigh(a, serviceCount);
  const u = <f64>a * TWO_POW_M32;
  const g = guide + (<usize>(a >>> (32 - guideBits)) << 2);
  let lo = load<u32>(g);
  let hi = load<u32>(g, 4);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(zipfCdf + (<usize>mid << 3)) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Whether flow i (first draw a) belongs to `shard` of `shards` (hit: by service, miss: by i). */
// @ts-ignore: decorator
@inline function inShard(i: u32, a: u32, shard: u32, shards: u32): bool {
  const miss = (mix32(a + 2 * GOLDEN) >>> 16) < missThreshold;
  return (miss ? i : chooseService(a)) % shards == shard;
}

/** Writes flow i as the record at f (scalar path, the definition the vector path follows). */
// @ts-ignore: decorator
@inline function flowRecord(i: u32, f: usize): void {
  const a = mix32(i ^ key);
  const w1 = mix32(a + GOLDEN);
  const w2 = mix32(a + 2 * GOLDEN);
  const w3 = mix32(a + 3 * GOLDEN);
  const w4 = mix32(a + 4 * GOLDEN);
  const w5 = mix32(a + 5 * GOLDEN);
  store<u32>(f + FLOW_SRC_IP, CLIENT_BASE + mulHigh(w1, clientCount));
  store<u16>(f + FLOW_SRC_PORT, <u16>(SPORT_BASE + (w2 & 0xffff) % SPORT_SPAN));
  if ((w2 >>> 16) < missThreshold) {
    store<u32>(f + FLOW_DST_IP, MISS_BASE + (i & 0xff));
    store<u16>(f + FLOW_DST_PORT, <u16>MISS_PORT);
    store<u32>(f + FLOW_PROTO, TCP);
  } else {
    const o = <usize>chooseService(a) << 2;
    store<u32>(f + FLOW_DST_IP, load<u32>(svcIp + o));
    store<u16>(f + FLOW_DST_PORT, <u16>load<u32>(svcPort + o));
    store<u32>(f + FLOW_PROTO, load<u32>(svcProto + o));
  }
  store<u64>(f + FLOW_INDEX, <u64>i);
  store<f64>(f + FLOW_START, (<f64>i + <f64>(w3 & 0xffff) * TWO_POW_M16) * invRate);
  const g = -lnScaled62(<f64>((w4 >>> 1) | 1) * <f64>((w5 >>> 1) | 1));
  const e1 = g * (<f64>((w3 >>> 15) | 1) * TWO_POW_M17);
  store<f64>(f + FLOW_DURATION, e1 * meanDuration);
  store<u64>(f + FLOW_PACKETS, <u64>(1 + <i32>min((g - e1) * perLnQ, PACKETS_CAP)));
}

/** i32x4 lowbias32 (src random.ts mix32), one flow per lane. */
// @ts-ignore: decorator
@inline function mix32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

/** ⌊r·n/2^32⌋ per u32 lane. */
// @ts-ignore: decorator
@inline function mulHighx4(r: v128, n: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(r, n), i64x2.extmul_high_i32x4_u(r, n), 1, 3, 5, 7);
}

/** ln(x·2^−62) for two f64 lanes: lnScaled62 with the table entries gathered per lane. */
// @ts-ignore: decorator
@inline function lnScaled62x2(x: v128): v128 {
  const e = f64x2.sub(
    v128.or(i64x2.shr_u(x, 52), i64x2.splat(0x4330000000000000)),
    f64x2.splat(4503599627371581.0), // 2^52 + 1085: the exponent field minus bias and 62, as f64
  );
  const k = i64x2.shl(v128.and(i64x2.shr_u(x, 44), i64x2.splat(0xff)), 4);
  const p0 = v128.load(LN_PAIRS + <usize>i32x4.extract_lane(k, 0));
  const p1 = v128.load(LN_PAIRS + <usize>i32x4.extract_lane(k, 2));
  const one = i64x2.splat(0x3ff0000000000000);
  const f = f64x2.sub(
    v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), one),
    v128.or(v128.and(x, i64x2.splat(0x000ff00000000000)), one),
  ); // m − c, exact: the low 44 mantissa bits
  const d = f64x2.mul(f, i64x2.shuffle(p0, p1, 0, 2));
  const q = f64x2.mul(d, f64x2.sub(f64x2.splat(1.0), f64x2.mul(d, f64x2.sub(f64x2.splat(0.5),
    f64x2.mul(d, f64x2.sub(f64x2.splat(0.3333333333333333), f64x2.mul(d, f64x2.splat(0.25))))))));
  return f64x2.add(f64x2.add(f64x2.mul(e, f64x2.splat(LN2)), i64x2.shuffle(p0, p1, 1, 3)), q);
}

/** Bytes 16…48 of the records of lanes 0 and 1: [index, pad, start], [duration, packets, pad]. */
// @ts-ignore: decorator
@inline function storeTimes2(f: usize, idx: v128, w3: v128, l: v128, full: bool, k: usize): void {
  const i64 = i64x2.extend_low_i32x4_u(idx);
  // i + u/2^16 as the 48-bit integer i·2^16 + u planted in the mantissa of 2^52: exact.
  const fixed = v128.or(v128.or(i64x2.shl(i64, 16), i64x2.extend_low_i32x4_u(v128.and(w3, i32x4.splat(0xffff)))),
    i64x2.splat(0x4330000000000000));
  const start = f64x2.mul(f64x2.sub(fixed, f64x2.splat(4503599627370496.0)), v128.load(k, H_START_SCALE));
  const v = f64x2.mul(f64x2.convert_low_i32x4_s(v128.or(i32x4.shr_u(w3, 15), i32x4.splat(1))), f64x2.splat(TWO_POW_M17));
  // l = ln(u4·u5) = −G: negating l·V, (l − l·V) and the scales instead of l is exact, so the
  // results equal flowRecord's bit for bit.
  const e1 = f64x2.mul(l, v);
  const dur = f64x2.mul(e1, v128.load(k, H_NEG_MEAN));
  const extra = f64x2.pmin(f64x2.mul(f64x2.sub(l, e1), v128.load(k, H_PACKET_SCALE)), f64x2.splat(PACKETS_CAP));
  const pk = i64x2.extend_low_i32x4_u(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(extra), i32x4.splat(1)));
  v128.store(f, i64x2.shuffle(i64, start, 0, 2), FLOW_INDEX);
  v128.store(f, i64x2.shuffle(dur, pk, 0, 2), FLOW_DURATION);
  if (full) {
    v128.store(f + FLOW_STRIDE, i64x2.shuffle(i64, start, 1, 3), FLOW_INDEX);
    v128.store(f + FLOW_STRIDE, i64x2.shuffle(dur, pk, 1, 3), FLOW_DURATION);
  }
}

/** Record bytes 0…16 of one lane: its service row OR [client, miss byte, sport, 0]. */
// @ts-ignore: decorator
@inline function storeHead(f: usize, rows: usize, rowOffset: u32, or: v128): void {
  v128.store(f, v128.or(v128.load(rows + <usize>rowOffset), or), FLOW_SRC_IP);
}

/**
 * Writes the flows of the i32x4 `idx` lanes 0 … n−1 (n ≤ 4) as records from f on: flowRecord
 * four lanes at a time. `zipf` and `n` are constants where this is inlined.
 */
// @ts-ignore: decorator
@inline function flowRecords4(idx: v128, f: usize, n: u32, zipf: bool, k: usize): void {
  const a = mix32x4(v128.xor(idx, v128.load(k, H_KEY)));
  const w1 = mix32x4(i32x4.add(a, i32x4.splat(GOLDEN)));
  const w2 = mix32x4(i32x4.add(a, i32x4.splat(2 * GOLDEN)));
  const w3 = mix32x4(i32x4.add(a, i32x4.splat(3 * GOLDEN)));
  const w4 = v128.or(i32x4.shr_u(mix32x4(i32x4.add(a, i32x4.splat(4 * GOLDEN))), 1), i32x4.splat(1));
  const w5 = v128.or(i32x4.shr_u(mix32x4(i32x4.add(a, i32x4.splat(5 * GOLDEN))), 1), i32x4.splat(1));

  // Bytes 0…16: row offsets (misses take the last row), OR-ed with [client, miss byte, sport, 0].
  let s: v128;
  if (zipf) {
    s = i32x4.splat(chooseService(i32x4.extract_lane(a, 0)));
    s = i32x4.replace_lane(s, 1, chooseService(i32x4.extract_lane(a, 1)));
    s = i32x4.replace_lane(s, 2, chooseService(i32x4.extract_lane(a, 2)));
    s = i32x4.replace_lane(s, 3, chooseService(i32x4.extract_lane(a, 3)));
  } else {
    s = mulHighx4(a, v128.load(k, H_SERVICES));
  }
  const miss = i32x4.lt_u(i32x4.shr_u(w2, 16), v128.load(k, H_MISS));
  const row = i32x4.shl(v128.bitselect(v128.load(k, H_SERVICES), s, miss), 4);
  const src = i32x4.add(mulHighx4(w1, v128.load(k, H_CLIENTS)), i32x4.splat(CLIENT_BASE));
  const low = v128.and(w2, i32x4.splat(0xffff));
  const sport = i32x4.add(i32x4.min_u(low, i32x4.sub(low, i32x4.splat(SPORT_SPAN))), i32x4.splat(SPORT_BASE));
  const dstLow = v128.and(v128.and(idx, i32x4.splat(0xff)), miss);
  const t0 = i32x4.shuffle(src, dstLow, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(src, dstLow, 2, 6, 3, 7);
  const p01 = i64x2.extend_low_i32x4_u(sport);
  const p23 = i64x2.extend_high_i32x4_u(sport);
  storeHead(f, svcRows, i32x4.extract_lane(row, 0), i64x2.shuffle(t0, p01, 0, 2));
  if (n > 1) storeHead(f + FLOW_STRIDE, svcRows, i32x4.extract_lane(row, 1), i64x2.shuffle(t0, p01, 1, 3));
  if (n > 2) storeHead(f + 2 * FLOW_STRIDE, svcRows, i32x4.extract_lane(row, 2), i64x2.shuffle(t1, p23, 0, 2));
  if (n > 3) storeHead(f + 3 * FLOW_STRIDE, svcRows, i32x4.extract_lane(row, 3), i64x2.shuffle(t1, p23, 1, 3));

  // Bytes 16…48: G ~ Gamma(2) per lane, split by V into duration and packets.
  const l01 = lnScaled62x2(f64x2.mul(f64x2.convert_low_i32x4_s(w4), f64x2.convert_low_i32x4_s(w5)));
  storeTimes2(f, idx, w3, l01, n > 1, k);
  if (n > 2) {
    const w4h = i32x4.shuffle(w4, w4, 2, 3, 2, 3);
    const w5h = i32x4.shuffle(w5, w5, 2, 3, 2, 3);
    const l23 = lnScaled62x2(f64x2.mul(f64x2.convert_low_i32x4_s(w4h), f64x2.convert_low_i32x4_s(w5h)));
    storeTimes2(f + 2 * FLOW_STRIDE, i32x4.shuffle(idx, idx, 2, 3, 2, 3), i32x4.shuffle(w3, w3, 2, 3, 2, 3), l23, n > 3, k);
  }
}

/**
 * Splatted configuration for the vector path, written by workloadConfigure: one 16-byte load per
 * use in the loop instead of a global read and a splat.
 */
const H_KEY: usize = 0;
const H_SERVICES: usize = 16;
const H_MISS: usize = 32;
const H_CLIENTS: usize = 48;
const H_START_SCALE: usize = 64;
const H_NEG_MEAN: usize = 80;
const H_PACKET_SCALE: usize = 96;
const hoisted = changetype<usize>(new StaticArray<u64>(14));

function hoist(): void {
  const k = hoisted;
  v128.store(k, i32x4.splat(key), H_KEY);
  v128.store(k, i32x4.splat(serviceCount), H_SERVICES);
  v128.store(k, i32x4.splat(missThreshold), H_MISS);
  v128.store(k, i32x4.splat(clientCount), H_CLIENTS);
  v128.store(k, f64x2.splat(invRate * TWO_POW_M16), H_START_SCALE);
  v128.store(k, f64x2.splat(-meanDuration), H_NEG_MEAN);
  v128.store(k, f64x2.splat(-perLnQ), H_PACKET_SCALE);
}

/** Flows first … first+count−1 into consecutive records (SIMD path), the last 0–3 one call apart. */
// @ts-ignore: decorator
@inline function runAll4(first: u32, count: u32, out: usize, zipf: bool): void {
  const k = hoisted;
  const step = i32x4(0, 1, 2, 3);
  const whole = count & ~3;
  for (let j: u32 = 0; j < whole; j += 4) {
    flowRecords4(i32x4.add(i32x4.splat(first + j), step), out + <usize>j * FLOW_STRIDE, 4, zipf, k);
  }
  if (whole < count) runTail(i32x4.add(i32x4.splat(first + whole), step), out + <usize>whole * FLOW_STRIDE, count - whole);
}

function runTail(idx: v128, f: usize, n: u32): void {
  const k = hoisted;
  if (zipfCdf != 0) {
    if (n == 1) flowRecords4(idx, f, 1, true, k);
    else if (n == 2) flowRecords4(idx, f, 2, true, k);
    else flowRecords4(idx, f, 3, true, k);
  } else {
    if (n == 1) flowRecords4(idx, f, 1, false, k);
    else if (n == 2) flowRecords4(idx, f, 2, false, k);
    else flowRecords4(idx, f, 3, false, k);
  }
}

/** Flows whose indices are listed at `list` (m of them) into consecutive records (SIMD path). */
// @ts-ignore: decorator
@inline function runListed4(list: usize, m: u32, out: usize, zipf: bool): void {
  const k = hoisted;
  const whole = m & ~3;
  for (let j: u32 = 0; j < whole; j += 4) {
    flowRecords4(v128.load(list + (<usize>j << 2)), out + <usize>j * FLOW_STRIDE, 4, zipf, k);
  }
  if (whole < m) runTail(v128.load(list + (<usize>whole << 2)), out + <usize>whole * FLOW_STRIDE, m - whole);
}

/**
 * Writes the flows among `first … first+count−1` that belong to shard `shard` of `shards` (a hit
 * belongs to the shard of its service, `service % shards`; a miss to `i % shards`) into `out`.
 * Returns how many were written.
 */
export function workloadGenerate(first: u32, count: u32, shard: u32, shards: u32, out: usize): u32 {
  const end = first + count;
  let written: u32 = 0;
  if (ASC_FEATURE_SIMD) {
    if (shards <= 1) {
      if (zipfCdf != 0) runAll4(first, count, out, true);
      else runAll4(first, count, out, false);
      return count;
    }
    const list = changetype<usize>(kept);
    for (let c = first; c < end; c += SCRATCH) {
      const stop = c + min<u32>(SCRATCH, end - c);
      let m: u32 = 0;
      for (let i = c; i < stop; i++) {
        store<u32>(list + (<usize>m << 2), i);
        m += <u32>inShard(i, mix32(i ^ key), shard, shards);
      }
      const at = out + <usize>written * FLOW_STRIDE;
      if (zipfCdf != 0) runListed4(list, m, at, true);
      else runListed4(list, m, at, false);
      written += m;
    }
    return written;
  }
  for (let i = first; i < end; i++) {
    if (shards > 1 && !inShard(i, mix32(i ^ key), shard, shards)) continue;
    flowRecord(i, out + <usize>written * FLOW_STRIDE);
    written++;
  }
  return written;
}
