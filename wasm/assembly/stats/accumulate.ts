// Folds a batch of decided flows into the exact counters: verdicts, outcomes, per-endpoint
// counts, the work histogram and the order-independent decision digest (a sum of per-flow
// hashes mod 2^64, so shards merge by addition).

import {
  FLOW_STRIDE, FLOW_INDEX, FLOW_PACKETS, RESULT_STRIDE, RESULT_VERDICT, RESULT_ENDPOINT, RESULT_WORK,
  RESULT_EXTRA, VERDICT_DNAT,
} from '../layout';
import {
  STATS_WORDS, STATS_OK, STATS_FAILED, STATS_WORK_SUM, STATS_WORK_MAX, STATS_EXTRA_SUM,
  STATS_DIGEST, STATS_FLOWS, STATS_PACKETS,
} from './layout';

let statsPtr: usize = 0;
let servingPtr: usize = 0;
let endpointCount: u32 = 0;
let countsPtr: usize = 0;
let histPtr: usize = 0;
let histBins: u32 = 1;

/** The splitmix64 finaliser: a bijective 64-bit mixer. */
// @ts-ignore: decorator
@inline function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** The digest term of one decision (src/report/digest.ts computes the same). */
// @ts-ignore: decorator
@inline export function decisionHash(flow: u32, verdict: u32, endpoint: i32): u64 {
  return mix64((<u64>flow * 0x9e3779b97f4a7c15) ^ ((<u64>(<u32>(endpoint + 1)) << 8) | <u64>verdict));
}

/**
 * Points the accumulator at host-allocated arrays: the stats block (STATS_WORDS u64), a serving
 * flag per endpoint (u8), new-flow counts per endpoint (u32) and a histogram of `bins` u32.
 */
export function statsConfigure(stats: usize, serving: usize, endpoints: u32, counts: usize, hist: usize, bins: u32): void {
  statsPtr = stats;
  servingPtr = serving;
  endpointCount = endpoints;
  countsPtr = counts;
  histPtr = hist;
  histBins = bins;
  statsReset();
}

/** Zeroes every counter. */
export function statsReset(): void {
  memory.fill(statsPtr, 0, <usize>STATS_WORDS << 3);
  memory.fill(countsPtr, 0, <usize>endpointCount << 2);
  memory.fill(histPtr, 0, <usize>histBins << 2);
}

// @ts-ignore: decorator
@inline function bump(word: i32, by: u64): void {
  const p = statsPtr + (<usize>word << 3);
  store<u64>(p, load<u64>(p) + by);
}

/** Adds `count` decided flows (Flow records at `flows`, Result records at `results`). */
export function statsAccumulate(flows: usize, results: usize, count: u32): void {
  let digest: u64 = 0;
  let workSum: u64 = 0;
  let extraSum: u64 = 0;
  let packets: u64 = 0;
  let workMax = <u32>load<u64>(statsPtr + (<usize>STATS_WORK_MAX << 3));
  const lastBin = histBins - 1;
  for (let k: u32 = 0; k < count; k++) {
    const f = flows + <usize>k * FLOW_STRIDE;
    const r = results + <usize>k * RESULT_STRIDE;
    const verdict = load<u32>(r + RESULT_VERDICT);
    const endpoint = load<i32>(r + RESULT_ENDPOINT);
    const work = load<u32>(r + RESULT_WORK);
    digest += decisionHash(load<u32>(f + FLOW_INDEX), verdict, endpoint);
    bump(<i32>verdict, 1); // verdict codes index the first three words
    if (verdict == VERDICT_DNAT && <u32>endpoint < endpointCount) {
      const c = countsPtr + (<usize>endpoint << 2);
      store<u32>(c, load<u32>(c) + 1);
      bump(load<u8>(servingPtr + <usize>endpoint) != 0 ? STATS_OK : STATS_FAILED, 1);
    }
    const bin = work < lastBin ? work : lastBin;
    const h = histPtr + (<usize>bin << 2);
    store<u32>(h, load<u32>(h) + 1);
    workSum += work;
    if (work > workMax) workMax = work;
    extraSum += load<u32>(r + RESULT_EXTRA);
    packets += load<u32>(f + FLOW_PACKETS);
  }
  bump(STATS_DIGEST, digest);
  bump(STATS_WORK_SUM, workSum);
  bump(STATS_EXTRA_SUM, extraSum);
  bump(STATS_FLOWS, count);
  bump(STATS_PACKETS, packets);
  store<u64>(statsPtr + (<usize>STATS_WORK_MAX << 3), workMax);
}
