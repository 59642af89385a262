// Synthetic workload (SPEC 2.2) generated inside WASM, straight into Flow records: flow i is a
// pure function of (seed, i), so a shard generates exactly its own flows with no shared state.
// Bit-identical to src/gen/flows.ts (the reference), draw word by draw word. The SIMD build
// makes twelve flows per step, three groups of four i32x4 lanes; the scalar build one at a time.
//
// Draw words of flow i: a = mix32(i ^ key), x_j = a·M_j mod 2^32 (j = 1…7). Only the top bits of
// an x_j are used (a product's low bits depend on a's low bits alone); the multipliers were chosen
// so that every pair and triple of {a, x_1 … x_7} passes the 2- and 3-dimensional spectral test
// (normalised figures of merit at least 0.44 and 0.34). One multiply per word instead of a mix.
//   a   service: bucket j = ⌊a·n/2^32⌋; uniform takes j, zipf j or alias[j] by (a·n mod 2^32) < threshold[j]
//   x1  client ⌊x1·clients/2^32⌋        x2  miss test (top 16 bits < round(miss·65536))
//   x3  source port (top 16 bits)        x4  arrival fraction (top 16 bits)
//   x5  split V = (⌊x5/2^9⌋ + ½)/2^23    x6, x7  Gamma(2) draw
// G = −ln(u6·u7), u = ((x >>> 1) | 1)/2^31, in f32 (detln.ts lnScaled62f); duration = G·V·mean and
// packets from G·(1 − V), as in src/gen/flows.ts.

import {
  FLOW_STRIDE, FLOW_SRC_IP, FLOW_DST_IP, FLOW_SRC_PORT, FLOW_PROTO, FLOW_INDEX, FLOW_START, FLOW_DURATION, FLOW_PACKETS,
} from '../layout';
import { mix32 } from '../random';
import { lnScaled62f, LN62_BIAS, LN62_MID, LN_C3, LN_C5, LN_C7, LN2F } from '../detln';

const M_CLIENT: u32 = 0xa0e08f79;
const M_MISS: u32 = 0x295f84db;
const M_SPORT: u32 = 0xa5deb959;
const M_ARRIVAL: u32 = 0xd2270129;
const M_SPLIT: u32 = 0x0120d6c7;
const M_GAMMA_A: u32 = 0xe09985fd;
const M_GAMMA_B: u32 = 0xae19187f;
const CLIENT_BASE: u32 = 0x0afa0000; // 10.250.0.0
const MISS_BASE: u32 = 0xcb007100; // 203.0.113.0
const MISS_PORT: u32 = 80;
const MISS_ROWS: u32 = 256; // a miss goes to MISS_BASE + (i & 0xff)
const TCP: u32 = 6;
const SPORT_BASE: u32 = 1024;
const SPORT_SPAN: u32 = 64512;
const TWO_POW_M16: f64 = 1.52587890625e-5;
const SPLIT_OFFSET: f32 = 0.99999994; // 1 − 2^−24: [1, 2) − it = (k + ½)/2^23, exact
/** Filter pass of a sharded call: flow indices kept, then generated twelve at a time. */
const SCRATCH: u32 = 1024;
const kept = new StaticArray<u32>(<i32>SCRATCH + 12); // the tail reads up to 11 past the last

let key: u32 = 0;
let serviceCount: u32 = 0;
/** popularityAlias of src/gen/flows.ts, [threshold, alias] per bucket, or 0 for uniform. */
let zipfAlias: usize = 0;
let missThreshold: u32 = 0;
let clientCount: u32 = 1;
let invRate: f64 = 1.0;
let meanDuration: f64 = 1.0;
let packetScale: f32 = 0.0;
/**
 * Rows of 16 bytes to which a flow's first 16 bytes add up: one per service, then MISS_ROWS for
 * misses (see packRows).
 */
let rows: usize = 0;
let rowsCapacity: u32 = 0;

/**
 * Sets the workload. `ipPtr`/`portPtr`/`protoPtr` are u32 arrays of the services' ClusterIP, port
 * and protocol number; `aliasPtr` is the zipf alias table (host-computed) or 0 for uniform;
 * `miss16` = round(miss·65536); `invLnQ` = 1/ln(1 − 1/meanPackets), or 0 for one packet per flow.
 */
export function workloadConfigure(
  streamKey: u32, services: u32, ipPtr: usize, portPtr: usize, protoPtr: usize, aliasPtr: usize,
  miss16: u32, clients: u32, flowRate: f64, duration: f64, packetsInvLnQ: f64,
): void {
  key = streamKey;
  serviceCount = services;
  zipfAlias = aliasPtr;
  missThreshold = services == 0 ? 0x10000 : miss16; // no service: every flow misses
  clientCount = clients;
  invRate = 1.0 / flowRate;
  meanDuration = duration;
  packetScale = <f32>packetsInvLnQ;
  packRows(ipPtr, portPtr, protoPtr);
  if (ASC_FEATURE_SIMD) hoist();
}

/**
 * Row s < n is `[CLIENT_BASE, clusterIP, (port << 16) + SPORT_BASE, proto]` for service s; row
 * n + b is `[CLIENT_BASE, MISS_BASE + b, (MISS_PORT << 16) + SPORT_BASE, TCP]`. A flow's first 16
 * bytes are its row plus `[client, 0, sport − SPORT_BASE, 0]` lane by lane (no lane carries), one
 * 16-byte load per flow. Grown, never freed (stub runtime), so reconfiguring an instance reuses it.
 */
function packRows(ipPtr: usize, portPtr: usize, protoPtr: usize): void {
  const n = serviceCount;
  if (n + MISS_ROWS > rowsCapacity) {
    rows = heap.alloc(<usize>(n + MISS_ROWS) << 4);
    rowsCapacity = n + MISS_ROWS;
  }
  for (let s: u32 = 0; s < n; s++) {
    const o = <usize>s << 2;
    storeRow(s, load<u32>(ipPtr + o), load<u32>(portPtr + o), load<u32>(protoPtr + o));
  }
  for (let b: u32 = 0; b < MISS_ROWS; b++) storeRow(n + b, MISS_BASE + b, MISS_PORT, TCP);
}

function storeRow(r: u32, ip: u32, port: u32, proto: u32): void {
  const row = rows + (<usize>r << 4);
  store<u32>(row, CLIENT_BASE);
  store<u32>(row, ip, 4);
  store<u32>(row, (port << 16) + SPORT_BASE, 8);
  store<u32>(row, proto, 12);
}

// @ts-ignore: decorator
@inline function mulHigh(r: u32, n: u32): u32 {
  return <u32>((<u64>r * <u64>n) >> 32);
}

/** Service of a flow with first draw a: bucket j = ⌊a·n/2^32⌋, or under zipf j or its alias. */
// @ts-ignore: decorator
@inline function chooseService(a: u32): u32 {
  const j = mulHigh(a, serviceCount);
  if (zipfAlias == 0) return j;
  const e = zipfAlias + (<usize>j << 3);
  return a * serviceCount < load<u32>(e) ? j : load<u32>(e, 4);
}

/** Whether flow i (first draw a) belongs to `shard` of `shards` (hit: by service, miss: by i). */
// @ts-ignore: decorator
@inline function inShard(i: u32, a: u32, shard: u32, shards: u32): bool {
  const miss = ((a * M_MISS) >>> 16) < missThreshold;
  return (miss ? i : chooseService(a)) % shards == shard;
}

/** Writes flow i as the record at f (scalar path, the definition the vector path follows). */
// @ts-ignore: decorator
@inline function flowRecord(i: u32, f: usize): void {
  const a = mix32(i ^ key);
  const row = (a * M_MISS) >>> 16 < missThreshold ? serviceCount + (i & 0xff) : chooseService(a);
  const r = rows + (<usize>row << 4);
  const sport = (a * M_SPORT) >>> 16;
  store<u32>(f + FLOW_SRC_IP, load<u32>(r) + mulHigh(a * M_CLIENT, clientCount));
  store<u32>(f + FLOW_DST_IP, load<u32>(r, 4));
  store<u32>(f + FLOW_SRC_PORT, load<u32>(r, 8) + (sport < SPORT_SPAN ? sport : sport - SPORT_SPAN));
  store<u32>(f + FLOW_PROTO, load<u32>(r, 12));
  store<u64>(f + FLOW_INDEX, <u64>i);
  store<f64>(f + FLOW_START, <f64>(<u64>i << 16 | <u64>((a * M_ARRIVAL) >>> 16)) * (invRate * TWO_POW_M16));
  const l = lnScaled62f(<f32>(((a * M_GAMMA_A) >>> 1) | 1) * <f32>(((a * M_GAMMA_B) >>> 1) | 1));
  const e1 = l * (reinterpret<f32>(((a * M_SPLIT) >>> 9) | 0x3f800000) - SPLIT_OFFSET);
  store<f64>(f + FLOW_DURATION, <f64>e1 * -meanDuration);
  store<u64>(f + FLOW_PACKETS, <u64><u32><i32>((l - e1) * packetScale + 1.0));
}

/** i32x4 lowbias32 (src random.ts mix32), one flow per lane. */
// @ts-ignore: decorator
@inline function mix32x4(x: v128, k: usize): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, v128.load(k, K_MIX1));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, v128.load(k, K_MIX2));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

/** ⌊r·n/2^32⌋ per u32 lane. */
// @ts-ignore: decorator
@inline function mulHighx4(r: v128, n: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(r, n), i64x2.extmul_high_i32x4_u(r, n), 1, 3, 5, 7);
}

/** lnScaled62f on four f32 lanes, the same operations in the same order. */
// @ts-ignore: decorator
@inline function lnScaled62x4(x: v128, k: usize): v128 {
  const t = i32x4.sub(x, v128.load(k, K_LN_BIAS));
  const m = i32x4.add(v128.and(t, v128.load(k, K_MANTISSA)), v128.load(k, K_LN_MID));
  const s = f32x4.div(f32x4.sub(m, v128.load(k, K_ONE)), f32x4.add(m, v128.load(k, K_ONE)));
  const z = f32x4.mul(s, s);
  const q = f32x4.add(
    f32x4.add(v128.load(k, K_TWO), f32x4.mul(z, v128.load(k, K_LN_C3))),
    f32x4.mul(f32x4.mul(z, z), f32x4.add(v128.load(k, K_LN_C5), f32x4.mul(z, v128.load(k, K_LN_C7)))),
  );
  return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_s(t, 23)), v128.load(k, K_LN2)), f32x4.mul(s, q));
}

// The vector path in four phases per group of four flows. The Gamma(2) chain (mix, multiply,
// logarithm, split, truncation) is long, and the out-of-order window holds little more than one
// group, so the main loop runs three groups phase by phase (flowRecords12). V8 places a pure
// computation right before its first use, which would put both logarithms after the heads; storing
// them at once (K_LOG_SLOTS) makes it compute them first, so the heads' work hides their latency.
// (Three groups measured about 3% faster than two; four, as two steps of two, no faster.)

/** First draw word a of each lane. */
// @ts-ignore: decorator
@inline function drawA(idx: v128, k: usize): v128 {
  return mix32x4(v128.xor(idx, v128.load(k, H_KEY)), k);
}

/** ln(u6·u7) per lane: −G. */
// @ts-ignore: decorator
@inline function gammaLn(a: v128, k: usize): v128 {
  const u6 = f32x4.convert_i32x4_s(v128.or(i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_GAMMA_A)), 1), v128.load(k, K_INT_ONE)));
  const u7 = f32x4.convert_i32x4_s(v128.or(i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_GAMMA_B)), 1), v128.load(k, K_INT_ONE)));
  return lnScaled62x4(f32x4.mul(u6, u7), k);
}

/** Bytes 0…16 of lanes 0 … n−1: row (misses take row n + (i & 0xff)) plus [client, 0, sport − SPORT_BASE, 0]. */
// @ts-ignore: decorator
@inline function storeHeads(f: usize, idx: v128, a: v128, n: u32, zipf: bool, misses: bool, k: usize): void {
  const p01 = i64x2.extmul_low_i32x4_u(a, v128.load(k, H_SERVICES));
  const p23 = i64x2.extmul_high_i32x4_u(a, v128.load(k, H_SERVICES));
  let s = i32x4.shuffle(p01, p23, 1, 3, 5, 7); // bucket ⌊a·n/2^32⌋
  if (zipf) {
    v128.store(k, i32x4.add(i32x4.shl(s, 3), v128.load(k, H_ALIAS)), K_ROW_SLOT);
    const e01 = v128.load64_lane(load<u32>(k, K_ROW_SLOT + 4), v128.load64_zero(load<u32>(k, K_ROW_SLOT)), 1);
    const e23 = v128.load64_lane(load<u32>(k, K_ROW_SLOT + 12), v128.load64_zero(load<u32>(k, K_ROW_SLOT + 8)), 1);
    const own = i32x4.lt_u(i32x4.shuffle(p01, p23, 0, 2, 4, 6), i32x4.shuffle(e01, e23, 0, 2, 4, 6));
    s = v128.bitselect(s, i32x4.shuffle(e01, e23, 1, 3, 5, 7), own);
  }
  if (misses) {
    const miss = i32x4.lt_s(i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_MISS)), 16), v128.load(k, H_MISS));
    s = i32x4.max_u(s, v128.and(miss, i32x4.add(v128.and(idx, v128.load(k, K_LOW8)), v128.load(k, H_SERVICES))));
  }
  const row = i32x4.add(i32x4.shl(s, 4), v128.load(k, H_ROWS));
  const client = mulHighx4(i32x4.mul(a, v128.load(k, K_M_CLIENT)), v128.load(k, H_CLIENTS));
  const sp = i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_SPORT)), 16);
  const sport = i32x4.min_u(sp, i32x4.sub(sp, v128.load(k, K_SPORT_SPAN)));
  const cs01 = i32x4.shuffle(client, sport, 0, 4, 1, 5);
  const cs23 = i32x4.shuffle(client, sport, 2, 6, 3, 7);
  v128.store(k, row, K_ROW_SLOT); // four scalar loads: V8 adds a zero-extension to each extract_lane
  storeHead(f, load<u32>(k, K_ROW_SLOT), i64x2.extend_low_i32x4_u(cs01));
  if (n > 1) storeHead(f + FLOW_STRIDE, load<u32>(k, K_ROW_SLOT + 4), i64x2.extend_high_i32x4_u(cs01));
  if (n > 2) storeHead(f + 2 * FLOW_STRIDE, load<u32>(k, K_ROW_SLOT + 8), i64x2.extend_low_i32x4_u(cs23));
  if (n > 3) storeHead(f + 3 * FLOW_STRIDE, load<u32>(k, K_ROW_SLOT + 12), i64x2.extend_high_i32x4_u(cs23));
}

/**
 * Bytes 16…48 of lanes 0 … n−1: [index, start] with start = (i·2^16 + u) planted in the mantissa
 * of 2^52, then scaled; [duration, packets] from l = −G split by V.
 */
// @ts-ignore: decorator
@inline function storeTimes(f: usize, idx: v128, a: v128, l: v128, n: u32, k: usize): void {
  const lo = v128.or(i32x4.shl(idx, 16), i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_ARRIVAL)), 16));
  const hi = v128.or(i32x4.shr_u(idx, 16), v128.load(k, K_PLANT));
  const start01 = startTime(i32x4.shuffle(lo, hi, 0, 4, 1, 5), k);
  const start23 = startTime(i32x4.shuffle(lo, hi, 2, 6, 3, 7), k);
  const i01 = i64x2.extend_low_i32x4_u(idx);
  const i23 = i64x2.extend_high_i32x4_u(idx);
  const v = f32x4.sub(v128.or(i32x4.shr_u(i32x4.mul(a, v128.load(k, K_M_SPLIT)), 9), v128.load(k, K_ONE)), v128.load(k, K_SPLIT_OFFSET));
  const e1 = f32x4.mul(l, v);
  const pk = i32x4.trunc_sat_f32x4_s(f32x4.add(f32x4.mul(f32x4.sub(l, e1), v128.load(k, H_PACKET_SCALE)), v128.load(k, K_ONE)));
  const p01 = i64x2.extend_low_i32x4_u(pk);
  const p23 = i64x2.extend_high_i32x4_u(pk);
  const negMean = v128.load(k, H_NEG_MEAN);
  const d01 = f64x2.mul(f64x2.promote_low_f32x4(e1), negMean);
  const d23 = f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(e1, e1, 2, 3, 2, 3)), negMean);
  storeTimes1(f, i64x2.shuffle(i01, start01, 0, 2), i64x2.shuffle(d01, p01, 0, 2));
  if (n > 1) storeTimes1(f + FLOW_STRIDE, i64x2.shuffle(i01, start01, 1, 3), i64x2.shuffle(d01, p01, 1, 3));
  if (n > 2) storeTimes1(f + 2 * FLOW_STRIDE, i64x2.shuffle(i23, start23, 0, 2), i64x2.shuffle(d23, p23, 0, 2));
  if (n > 3) storeTimes1(f + 3 * FLOW_STRIDE, i64x2.shuffle(i23, start23, 1, 3), i64x2.shuffle(d23, p23, 1, 3));
}

/**
 * Writes the flows of the i32x4 `idx` lanes 0 … n−1 (n ≤ 4) as records from f on: flowRecord
 * four lanes at a time. `zipf` and `n` are constants where this is inlined.
 */
// @ts-ignore: decorator
@inline function flowRecords4(idx: v128, f: usize, n: u32, zipf: bool, k: usize): void {
  const a = drawA(idx, k);
  const l = gammaLn(a, k);
  storeHeads(f, idx, a, n, zipf, true, k);
  storeTimes(f, idx, a, l, n, k);
}

/** flowRecords4 for lanes x, y then w (records 4 and 8 apart), phase by phase. */
// @ts-ignore: decorator
@inline function flowRecords12(x: v128, y: v128, w: v128, f: usize, zipf: bool, misses: bool, k: usize): void {
  const ax = drawA(x, k);
  const ay = drawA(y, k);
  const aw = drawA(w, k);
  const lx = gammaLn(ax, k);
  const ly = gammaLn(ay, k);
  const lw = gammaLn(aw, k);
  v128.store(k, lx, K_LOG_SLOTS);
  v128.store(k, ly, K_LOG_SLOTS + 16);
  v128.store(k, lw, K_LOG_SLOTS + 32);
  storeHeads(f, x, ax, 4, zipf, misses, k);
  storeHeads(f + 4 * FLOW_STRIDE, y, ay, 4, zipf, misses, k);
  storeHeads(f + 8 * FLOW_STRIDE, w, aw, 4, zipf, misses, k);
  storeTimes(f, x, ax, lx, 4, k);
  storeTimes(f + 4 * FLOW_STRIDE, y, ay, ly, 4, k);
  storeTimes(f + 8 * FLOW_STRIDE, w, aw, lw, 4, k);
}

/** Two starts from their planted bit patterns: (i·2^16 + u)·(1/rate)·2^−16, exact but the last rounding. */
// @ts-ignore: decorator
@inline function startTime(planted: v128, k: usize): v128 {
  return f64x2.mul(f64x2.sub(planted, v128.load(k, K_TWO52)), v128.load(k, H_START_SCALE));
}

// @ts-ignore: decorator
@inline function storeHead(f: usize, row: u32, add: v128): void {
  v128.store(f, i32x4.add(v128.load(<usize>row), add), FLOW_SRC_IP);
}

// @ts-ignore: decorator
@inline function storeTimes1(f: usize, indexStart: v128, durationPackets: v128): void {
  v128.store(f, indexStart, FLOW_INDEX);
  v128.store(f, durationPackets, FLOW_DURATION);
}

/**
 * Splatted configuration and constants for the vector path, written by workloadConfigure: one
 * 16-byte load per use in the loop. As v128.const, V8 rebuilds a constant through a general
 * register at every use inside a loop (three instructions instead of one).
 */
const H_KEY: usize = 0;
const H_SERVICES: usize = 16;
const H_MISS: usize = 32;
const H_CLIENTS: usize = 48;
const H_ROWS: usize = 64;
const H_START_SCALE: usize = 80;
const H_NEG_MEAN: usize = 96;
const H_PACKET_SCALE: usize = 112;
const H_ALIAS: usize = 608;
const K_MIX1: usize = 128;
const K_MIX2: usize = 144;
const K_M_CLIENT: usize = 160;
const K_M_MISS: usize = 176;
const K_M_SPORT: usize = 192;
const K_M_ARRIVAL: usize = 208;
const K_M_SPLIT: usize = 224;
const K_M_GAMMA_A: usize = 240;
const K_M_GAMMA_B: usize = 256;
const K_LOW8: usize = 272;
const K_INT_ONE: usize = 288;
const K_SPORT_SPAN: usize = 304;
const K_PLANT: usize = 320;
const K_TWO52: usize = 336;
const K_ONE: usize = 352;
const K_SPLIT_OFFSET: usize = 368;
const K_LN_BIAS: usize = 384;
const K_MANTISSA: usize = 400;
const K_LN_MID: usize = 416;
const K_TWO: usize = 432;
const K_LN_C3: usize = 448;
const K_LN_C5: usize = 464;
const K_LN_C7: usize = 480;
const K_LN2: usize = 496;
const K_FOUR: usize = 512;
const K_TWELVE: usize = 528;
const K_LOG_SLOTS: usize = 544; // three v128, written and never read
const K_ROW_SLOT: usize = 592;
const hoisted = changetype<usize>(new StaticArray<u64>(78));

function hoist(): void {
  const k = hoisted;
  v128.store(k, i32x4.splat(key), H_KEY);
  v128.store(k, i32x4.splat(serviceCount), H_SERVICES);
  v128.store(k, i32x4.splat(missThreshold), H_MISS);
  v128.store(k, i32x4.splat(clientCount), H_CLIENTS);
  v128.store(k, i32x4.splat(<u32>rows), H_ROWS);
  v128.store(k, f64x2.splat(invRate * TWO_POW_M16), H_START_SCALE);
  v128.store(k, f64x2.splat(-meanDuration), H_NEG_MEAN);
  v128.store(k, f32x4.splat(packetScale), H_PACKET_SCALE);
  v128.store(k, i32x4.splat(<u32>zipfAlias), H_ALIAS);
  v128.store(k, i32x4.splat(0x7feb352d), K_MIX1);
  v128.store(k, i32x4.splat(0x846ca68b), K_MIX2);
  v128.store(k, i32x4.splat(M_CLIENT), K_M_CLIENT);
  v128.store(k, i32x4.splat(M_MISS), K_M_MISS);
  v128.store(k, i32x4.splat(M_SPORT), K_M_SPORT);
  v128.store(k, i32x4.splat(M_ARRIVAL), K_M_ARRIVAL);
  v128.store(k, i32x4.splat(M_SPLIT), K_M_SPLIT);
  v128.store(k, i32x4.splat(M_GAMMA_A), K_M_GAMMA_A);
  v128.store(k, i32x4.splat(M_GAMMA_B), K_M_GAMMA_B);
  v128.store(k, i32x4.splat(0xff), K_LOW8);
  v128.store(k, i32x4.splat(1), K_INT_ONE);
  v128.store(k, i32x4.splat(SPORT_SPAN), K_SPORT_SPAN);
  v128.store(k, i32x4.splat(0x43300000), K_PLANT);
  v128.store(k, f64x2.splat(4503599627370496.0), K_TWO52);
  v128.store(k, f32x4.splat(1.0), K_ONE);
  v128.store(k, f32x4.splat(SPLIT_OFFSET), K_SPLIT_OFFSET);
  v128.store(k, i32x4.splat(LN62_BIAS), K_LN_BIAS);
  v128.store(k, i32x4.splat(0x7fffff), K_MANTISSA);
  v128.store(k, i32x4.splat(LN62_MID), K_LN_MID);
  v128.store(k, f32x4.splat(2.0), K_TWO);
  v128.store(k, f32x4.splat(LN_C3), K_LN_C3);
  v128.store(k, f32x4.splat(LN_C5), K_LN_C5);
  v128.store(k, f32x4.splat(LN_C7), K_LN_C7);
  v128.store(k, f32x4.splat(LN2F), K_LN2);
  v128.store(k, i32x4.splat(4), K_FOUR);
  v128.store(k, i32x4.splat(12), K_TWELVE);
}

// Popularity and misses as type parameters: each instantiation of the loops below is its own function, with
// the choice folded away. As one function with a flag (or both inlined into one caller), the
// optimiser merges the uniform and zipf loops into one that tests the flag at every step.
type Uniform = i32;
type Zipf = f64;
/** Whether some flows miss: without, the loop skips the miss test. */
type NoMisses = i32;
type Misses = f64;

/** Flows first … first+count−1 into consecutive records (SIMD path). */
function runAll<P, M>(first: u32, count: u32, out: usize): void {
  const k = hoisted;
  const whole = count - count % 12;
  let x = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
  let y = i32x4.add(x, v128.load(k, K_FOUR));
  let w = i32x4.add(y, v128.load(k, K_FOUR));
  for (let j: u32 = 0; j < whole; j += 12) {
    flowRecords12(x, y, w, out + <usize>j * FLOW_STRIDE, isFloat<P>(), isFloat<M>(), k);
    x = i32x4.add(x, v128.load(k, K_TWELVE));
    y = i32x4.add(y, v128.load(k, K_TWELVE));
    w = i32x4.add(w, v128.load(k, K_TWELVE));
  }
  if (whole < count) runTail<P>(x, y, w, out + <usize>whole * FLOW_STRIDE, count - whole);
}

/** Flows whose indices are listed at `list` (m of them) into consecutive records (SIMD path). */
function runListed<P, M>(list: usize, m: u32, out: usize): void {
  const k = hoisted;
  const whole = m - m % 12;
  for (let j: u32 = 0; j < whole; j += 12) {
    const at = list + (<usize>j << 2);
    flowRecords12(v128.load(at), v128.load(at, 16), v128.load(at, 32), out + <usize>j * FLOW_STRIDE, isFloat<P>(), isFloat<M>(), k);
  }
  const at = list + (<usize>whole << 2);
  if (whole < m) runTail<P>(v128.load(at), v128.load(at, 16), v128.load(at, 32), out + <usize>whole * FLOW_STRIDE, m - whole);
}

/** The last n < 12 flows: lanes of x, then of y, then of w. */
function runTail<P>(x: v128, y: v128, w: v128, f: usize, n: u32): void {
  runTail4<P>(x, f, min(n, 4));
  if (n > 4) runTail4<P>(y, f + 4 * FLOW_STRIDE, min(n - 4, 4));
  if (n > 8) runTail4<P>(w, f + 8 * FLOW_STRIDE, n - 8);
}

/** Lanes 0 … n−1 of idx, 1 ≤ n ≤ 4. */
function runTail4<P>(idx: v128, f: usize, n: u32): void {
  const k = hoisted;
  // a constant lane count lets each call fold its store loop away
  if (n == 1) flowRecords4(idx, f, 1, isFloat<P>(), k);
  else if (n == 2) flowRecords4(idx, f, 2, isFloat<P>(), k);
  else if (n == 3) flowRecords4(idx, f, 3, isFloat<P>(), k);
  else flowRecords4(idx, f, 4, isFloat<P>(), k);
}

/** workloadGenerate's SIMD path for one popularity P and misses M. */
function generateSimd<P, M>(first: u32, count: u32, shard: u32, shards: u32, out: usize): u32 {
  if (shards <= 1) {
    runAll<P, M>(first, count, out);
    return count;
  }
  const list = changetype<usize>(kept);
  const end = first + count;
  let written: u32 = 0;
  for (let c = first; c < end; c += SCRATCH) {
    const stop = c + min<u32>(SCRATCH, end - c);
    let m: u32 = 0;
    for (let i = c; i < stop; i++) {
      store<u32>(list + (<usize>m << 2), i);
      m += <u32>inShard(i, mix32(i ^ key), shard, shards);
    }
    runListed<P, M>(list, m, out + <usize>written * FLOW_STRIDE);
    written += m;
  }
  return written;
}

/**
 * Writes the flows among `first … first+count−1` that belong to shard `shard` of `shards` (a hit
 * belongs to the shard of its service, `service % shards`; a miss to `i % shards`) into `out`.
 * Returns how many were written.
 */
export function workloadGenerate(first: u32, count: u32, shard: u32, shards: u32, out: usize): u32 {
  if (ASC_FEATURE_SIMD) {
    if (zipfAlias != 0) {
      return missThreshold != 0 ? generateSimd<Zipf, Misses>(first, count, shard, shards, out)
        : generateSimd<Zipf, NoMisses>(first, count, shard, shards, out);
    }
    return missThreshold != 0 ? generateSimd<Uniform, Misses>(first, count, shard, shards, out)
      : generateSimd<Uniform, NoMisses>(first, count, shard, shards, out);
  }
  const end = first + count;
  let written: u32 = 0;
  for (let i = first; i < end; i++) {
    if (shards > 1 && !inShard(i, mix32(i ^ key), shard, shards)) continue;
    flowRecord(i, out + <usize>written * FLOW_STRIDE);
    written++;
  }
  return written;
}
