// The IPVS core: the new-flow batch loop (lookup → persistence → schedule → connection) and the
// established-packet batch. Dispatch is static (STYLE.md 3): ipvsDecideBatch switches on a
// scheduler id and runs runBatch<S>, an instantiation per scheduler class in which pick() is a
// direct, inlinable call. runBatch<S> stops at the first flow whose service uses another
// scheduler and hands that flow (already looked up) back, so the switch runs once per
// run of same-scheduler flows — once per batch in a cluster with one scheduler — never per flow.

import {
  FLOW_DST_IP, FLOW_DST_PORT, FLOW_DURATION, FLOW_PROTO, FLOW_SRC_IP, FLOW_SRC_PORT, FLOW_START, FLOW_STRIDE,
  NO_ENDPOINT, RESULT_ENDPOINT, RESULT_EXTRA, RESULT_STRIDE, RESULT_VERDICT, RESULT_WORK, VERDICT_DNAT,
  VERDICT_NOMATCH, VERDICT_REJECT,
} from '../layout';
import { connBatchCommit, connBatchReserve, connCreate, connSetBench } from './conn';
import { keepTouches } from '../cache';
import { indexHome, indexLookup, lastChainWork } from './conn-index';
import { tupleHash } from './hash';
import { advance, expiryGrow, expiryReady, expiryReserve } from './expiry';
import { SVC_F_PERSISTENT } from './layout';
import { tmplAlive, tmplAttach, tmplCreate, tmplDest, tmplFind, tmplReplace } from './persist';
import {
  lastWork, NO_DEST, SCHED_DH, SCHED_LC, SCHED_MH, SCHED_NQ, SCHED_RR, SCHED_SED, SCHED_SH, SCHED_WLC, SCHED_WRR,
} from './scheduler';
import { DestinationHash } from './schedulers/dh';
import { LeastConnection } from './schedulers/lc';
import { MaglevHash } from './schedulers/mh';
import { NeverQueue } from './schedulers/nq';
import { RoundRobin } from './schedulers/rr';
import { ShortestExpectedDelay } from './schedulers/sed';
import { SourceHash } from './schedulers/sh';
import { WeightedLeastConnection } from './schedulers/wlc';
import { WeightedRoundRobin } from './schedulers/wrr';
import {
  destActive, destEndpoint, destWeight, svcDestCount, svcDestFirst, svcFlags, svcPtr, svcSched, svcTimeout,
} from './service';
import { lastProbes, vsHash, vsHome, vsLookupHashed } from './table';

export const RR = new RoundRobin();
export const WRR = new WeightedRoundRobin();
export const LC = new LeastConnection();
export const WLC = new WeightedLeastConnection();
export const SED = new ShortestExpectedDelay();
export const NQ = new NeverQueue();
export const DH = new DestinationHash();
export const SH = new SourceHash();
export const MH = new MaglevHash();

// Flows are looked up a group ahead of the decision loop: the group's virtual-service slots (which
// are the service records) and the heads of their destination lists are loaded in short loops
// whose cache misses overlap, instead of each flow taking its misses one after another. The
// lookups stay valid for the whole batch (the table does not change inside one), so a runBatch
// that stops at a flow of another scheduler leaves it looked up for the next.
const GROUP: i32 = 64;
/** Virtual-service lookups whose home slots are loaded together (lookUp), and their hashes. */
const LOOKUP_BLOCK: i32 = 32;
const blockHash = new StaticArray<u32>(LOOKUP_BLOCK);
const groupSvc = new StaticArray<i32>(GROUP);
const groupProbes = new StaticArray<i32>(GROUP);
let groupStart: i32 = 0;
let groupEnd: i32 = 0;
let lastId: i32 = SCHED_RR;
/** Whether some service's scheduler reads the counts: then expiry advances before its flows, inside batches. */
let countsRead = false;

/** Notes the scheduler of a service being added (its class says whether it reads the counts). */
export function noteScheduler(id: i32): void {
  switch (id) {
    case SCHED_RR: countsRead = countsRead || RR.countsMatter(); break;
    case SCHED_WRR: countsRead = countsRead || WRR.countsMatter(); break;
    case SCHED_LC: countsRead = countsRead || LC.countsMatter(); break;
    case SCHED_WLC: countsRead = countsRead || WLC.countsMatter(); break;
    case SCHED_SED: countsRead = countsRead || SED.countsMatter(); break;
    case SCHED_NQ: countsRead = countsRead || NQ.countsMatter(); break;
    case SCHED_DH: countsRead = countsRead || DH.countsMatter(); break;
    case SCHED_SH: countsRead = countsRead || SH.countsMatter(); break;
    case SCHED_MH: countsRead = countsRead || MH.countsMatter(); break;
  }
}

// Exact counters (tier A): new flows by verdict, scheduling work, persistence hits.
let flowsSeen: u64 = 0;
let dnats: u64 = 0;
let rejects: u64 = 0;
let nomatches: u64 = 0;
let workTotal: u64 = 0;
let persistHits: u64 = 0;

// Timing variants for the benchmark breakdown: bit 0 skips connections (no advance, no events, no
// index), bit 1 skips the scheduler (always the list head), bit 2 skips the established-path index
// (events and counters still run), bit 3 inserts into the index without touching ahead. Decisions
// are wrong under bits 0 and 1; bit 2 leaves the established path blind.
let benchMode: i32 = 0;

export function setBenchMode(mode: i32): void {
  benchMode = mode;
  connSetBench((mode & 4) != 0, (mode & 8) == 0);
}

/** Established lookups between touching a flow's index slot and looking it up. */
const LOOKUP_AHEAD: i32 = 16;
export function counterFlows(): u64 { return flowsSeen; }
export function counterDnat(): u64 { return dnats; }
export function counterReject(): u64 { return rejects; }
export function counterNomatch(): u64 { return nomatches; }
export function counterWork(): u64 { return workTotal; }
export function counterPersistHits(): u64 { return persistHits; }

/** Bench variant without a scheduler: the list head, or NO_DEST for an empty list. */
// @ts-ignore: decorator
@inline function listHead(svc: usize): i32 {
  return svcDestCount(svc) > 0 ? svcDestFirst(svc) : NO_DEST;
}

// @ts-ignore: decorator
@inline function writeResult(r: usize, verdict: u32, endpoint: i32, work: i32, probes: i32): void {
  store<u32>(r, verdict, RESULT_VERDICT);
  store<i32>(r, endpoint, RESULT_ENDPOINT);
  store<i32>(r, work, RESULT_WORK);
  store<i32>(r, probes, RESULT_EXTRA);
}

/**
 * Looks up flows [from, from + n): their service (or -1) into the i32 array `svcs`, probes into
 * `probes`. A block's home slots are loaded in one tight loop before any is probed: the probe
 * loops' branches would otherwise let only a few of those misses be in flight at once.
 */
// @ts-ignore: decorator
@inline function lookUp(flows: usize, from: i32, n: i32, svcs: usize, probes: usize): void {
  let sink: u32 = 0;
  const hashes = changetype<usize>(blockHash);
  for (let k0 = 0; k0 < n; k0 += LOOKUP_BLOCK) {
    const k1 = min(k0 + LOOKUP_BLOCK, n);
    for (let k = k0; k < k1; k++) {
      const f = flows + <usize>(from + k) * FLOW_STRIDE;
      const h = vsHash(load<u32>(f, FLOW_DST_IP), <u32>load<u16>(f, FLOW_DST_PORT), <u32>load<u8>(f, FLOW_PROTO));
      store<u32>(hashes + (<usize>(k - k0) << 2), h);
      sink += load<u32>(vsHome(h));
    }
    for (let k = k0; k < k1; k++) {
      const f = flows + <usize>(from + k) * FLOW_STRIDE;
      store<i32>(svcs + (<usize>k << 2), vsLookupHashed(load<u32>(hashes + (<usize>(k - k0) << 2)), load<u32>(f, FLOW_DST_IP),
        <u32>load<u16>(f, FLOW_DST_PORT), <u32>load<u8>(f, FLOW_PROTO)));
      store<i32>(probes + (<usize>k << 2), lastProbes());
    }
  }
  keepTouches(sink);
}

/** Looks up flows [from, from + GROUP) ∩ [from, count) and loads what their decisions will read. */
function lookAhead(flows: usize, from: i32, count: i32): void {
  const n = min(GROUP, count - from);
  lookUp(flows, from, n, changetype<usize>(groupSvc), changetype<usize>(groupProbes));
  // the lookups read the service records (the table's slots); their list heads are what is left
  let sink: u32 = 0;
  for (let k = 0; k < n; k++) {
    const s = unchecked(groupSvc[k]);
    if (s < 0) continue;
    const d = svcDestFirst(svcPtr(s));
    sink += <u32>destWeight(d) + <u32>destActive(d);
  }
  groupStart = from;
  groupEnd = from + n;
  keepTouches(sink);
}

/** Decides the flow at `f` (service `s`, or -1: no virtual service) into the result at `r`. */
// @ts-ignore: decorator
@inline function decideOne<S>(sched: S, f: usize, r: usize, s: i32, probes: i32, start: f64, settled: f64): void {
  flowsSeen++;
  if (s < 0) {
    nomatches++;
    writeResult(r, VERDICT_NOMATCH, NO_ENDPOINT, 0, probes);
    return;
  }
  const svc = svcPtr(s);
  const src = load<u32>(f, FLOW_SRC_IP);
  const persistent = (svcFlags(svc) & SVC_F_PERSISTENT) != 0;
  let d = NO_DEST;
  let work = 0;
  let t = -1;
  if (persistent) {
    t = tmplFind(src, s);
    // a template is used while alive and its destination's weight is not 0 (expire_quiescent_template)
    if (t >= 0 && tmplAlive(t, svcTimeout(svc), start) && destWeight(tmplDest(t)) > 0) {
      d = tmplDest(t);
      persistHits++;
    } else {
      if ((benchMode & 2) == 0) {
        d = sched.pick(svc, f);
        work = lastWork();
      } else d = listHead(svc);
      if (d != NO_DEST) {
        if (t >= 0) tmplReplace(t, d, start);
        else t = tmplCreate(src, s, d, start);
      }
    }
  } else if ((benchMode & 2) == 0) {
    d = sched.pick(svc, f);
    work = lastWork();
  } else {
    d = listHead(svc);
  }
  workTotal += <u64>work;
  if (d == NO_DEST) {
    rejects++;
    writeResult(r, VERDICT_REJECT, NO_ENDPOINT, work, probes);
    return;
  }
  let gone = -Infinity;
  if ((benchMode & 1) == 0) {
    gone = connCreate(<u32>load<u8>(f, FLOW_PROTO), src, <u32>load<u16>(f, FLOW_SRC_PORT), load<u32>(f, FLOW_DST_IP),
      <u32>load<u16>(f, FLOW_DST_PORT), start, load<f64>(f, FLOW_DURATION), d, settled);
  }
  if (t >= 0) tmplAttach(t, start, gone);
  dnats++;
  writeResult(r, VERDICT_DNAT, destEndpoint(d), work, probes);
}

/**
 * Decides flows [from, count) with scheduler S; returns the index of the first flow it left undone,
 * a flow of another scheduler (looked up already), or count.
 */
function runBatch<S>(sched: S, id: i32, flows: usize, from: i32, count: i32, out: usize): i32 {
  // in a cluster of schedulers blind to the counts, expiry catches up to the last flow's start
  // before that flow and nowhere else in the batch, so connections of the flows before it that end
  // by then are settled (conn.ts connCreate)
  const settled = sched.countsMatter() || countsRead ? -Infinity : load<f64>(flows + <usize>(count - 1) * FLOW_STRIDE, FLOW_START);
  const connections = (benchMode & 1) == 0;
  // expiry state grows between flows, never inside advance() or connCreate(): before each flow that
  // advances, and before the run of flows that do not
  if (connections && !sched.countsMatter()) expiryReserve(count - from);
  for (let i = from; i < count; i++) {
    const f = flows + <usize>i * FLOW_STRIDE;
    const start = load<f64>(f, FLOW_START);
    // schedulers blind to the counts let expiry lag, and catch up before the batch's last flow
    if (connections && (sched.countsMatter() || i == count - 1)) {
      if (!expiryReady()) expiryGrow();
      advance(start);
    }
    if (i >= groupEnd) lookAhead(flows, i, count);
    const s = unchecked(groupSvc[i - groupStart]);
    const probes = unchecked(groupProbes[i - groupStart]);
    if (s >= 0 && svcSched(svcPtr(s)) != id) return i;
    decideOne<S>(sched, f, out + <usize>i * RESULT_STRIDE, s, probes, start, i < count - 1 ? settled : -Infinity);
  }
  return count;
}

/**
 * Decides `count` new flows (Flow records at `flows`, non-decreasing start) into Result records at
 * `out`: verdict, global endpoint id, work (destinations scanned), extra = virtual-service probes.
 */
export function ipvsDecideBatch(flows: usize, count: i32, out: usize): i32 {
  let i = 0;
  let id = lastId;
  groupStart = 0;
  groupEnd = 0;
  connBatchReserve(count);
  while (i < count) {
    switch (id) {
      case SCHED_RR: i = runBatch<RoundRobin>(RR, id, flows, i, count, out); break;
      case SCHED_WRR: i = runBatch<WeightedRoundRobin>(WRR, id, flows, i, count, out); break;
      case SCHED_LC: i = runBatch<LeastConnection>(LC, id, flows, i, count, out); break;
      case SCHED_WLC: i = runBatch<WeightedLeastConnection>(WLC, id, flows, i, count, out); break;
      case SCHED_SED: i = runBatch<ShortestExpectedDelay>(SED, id, flows, i, count, out); break;
      case SCHED_NQ: i = runBatch<NeverQueue>(NQ, id, flows, i, count, out); break;
      case SCHED_DH: i = runBatch<DestinationHash>(DH, id, flows, i, count, out); break;
      case SCHED_SH: i = runBatch<SourceHash>(SH, id, flows, i, count, out); break;
      case SCHED_MH: i = runBatch<MaglevHash>(MH, id, flows, i, count, out); break;
      default: return -1;
    }
    if (i < count) id = svcSched(svcPtr(unchecked(groupSvc[i - groupStart])));
  }
  if ((benchMode & 1) == 0) connBatchCommit();
  lastId = id;
  return count;
}

/**
 * Established packets (SPEC 1): one connection-table lookup per packet, keyed on the Flow record's
 * tuple. Result: verdict DNAT with the connection's endpoint, or NOMATCH; work = index slots examined,
 * over every generation the lookup walked.
 */
export function ipvsEstablishedBatch(flows: usize, count: i32, out: usize): i32 {
  // touching the slot LOOKUP_AHEAD flows ahead keeps that many independent misses in flight
  let sink: u32 = 0;
  for (let i = 0; i < min(LOOKUP_AHEAD, count); i++) sink += load<u32>(homeOf(flows + <usize>i * FLOW_STRIDE));
  for (let i = 0; i < count; i++) {
    if (i + LOOKUP_AHEAD < count) sink += load<u32>(homeOf(flows + <usize>(i + LOOKUP_AHEAD) * FLOW_STRIDE));
    const f = flows + <usize>i * FLOW_STRIDE;
    const r = out + <usize>i * RESULT_STRIDE;
    const d = indexLookup(<u32>load<u8>(f, FLOW_PROTO), load<u32>(f, FLOW_SRC_IP), <u32>load<u16>(f, FLOW_SRC_PORT),
      load<u32>(f, FLOW_DST_IP), <u32>load<u16>(f, FLOW_DST_PORT));
    if (d >= 0) writeResult(r, VERDICT_DNAT, destEndpoint(d), lastChainWork(), 0);
    else writeResult(r, VERDICT_NOMATCH, NO_ENDPOINT, lastChainWork(), 0);
  }
  keepTouches(sink);
  return count;
}

// @ts-ignore: decorator
@inline function homeOf(f: usize): usize {
  return indexHome(tupleHash(<u32>load<u8>(f, FLOW_PROTO), load<u32>(f, FLOW_SRC_IP), <u32>load<u16>(f, FLOW_SRC_PORT),
    load<u32>(f, FLOW_DST_IP), <u32>load<u16>(f, FLOW_DST_PORT)));
}
