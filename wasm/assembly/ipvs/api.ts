// IPVS engine exports (re-exported by index.ts): build (init, services, destinations, weight
// updates), the two batch entry points, counters, and probes of internal state for tests.

import { connInit } from './conn';
import { indexBytes, indexLookups, indexLookupSteps } from './conn-index';
import { connEventsFired, expiryBytes } from './expiry';
import { closingBytes, closingFired, liveConnections } from './closing';
import { DH, LC, MH, NQ, noteScheduler, RR, SED, SH, WLC, WRR } from './dispatch';
import { hash32, MH_HASH1, MH_HASH2, mhHashkey, hsiphash32 } from './hash';
import {
  E_CAPACITY, E_STATE, E_UNKNOWN_SCHEDULER, E_WEIGHT, HT_TAB_SIZE, MAX_WEIGHT, MH_TAB_SIZE, OK,
} from './layout';
import { persistInit, templateCount } from './persist';
import {
  SCHED_DH, SCHED_LC, SCHED_MH, SCHED_NQ, SCHED_RR, SCHED_SED, SCHED_SH, SCHED_WLC, SCHED_WRR,
} from './scheduler';
import {
  destActive, destClaim, destEndpoint, destInactive, destSetWeight, destWeight, destWrite, serviceArenaInit, svcCapacity, svcDestCap, svcDestCount, svcDestFirst, svcPtr, svcPushHead, svcSched, svcTable,
  svcUsed, svcWrite,
} from './service';
import { DestinationHash } from './schedulers/dh';
import { LeastConnection } from './schedulers/lc';
import { MaglevHash } from './schedulers/mh';
import { NeverQueue } from './schedulers/nq';
import { RoundRobin } from './schedulers/rr';
import { ShortestExpectedDelay } from './schedulers/sed';
import { SourceHash } from './schedulers/sh';
import { WeightedLeastConnection } from './schedulers/wlc';
import { WeightedRoundRobin } from './schedulers/wrr';
import { vsClaim, vsLookups, vsTableInit, vsTotalProbes } from './table';

export {
  ipvsDecideBatch, ipvsEstablishedBatch, setBenchMode as ipvsSetBenchMode, counterFlows as ipvsCounterFlows,
  counterDnat as ipvsCounterDnat, counterReject as ipvsCounterReject, counterNomatch as ipvsCounterNomatch,
  counterWork as ipvsCounterWork, counterPersistHits as ipvsCounterPersistHits,
} from './dispatch';

let initialised = false;

/**
 * Allocates the arenas of one IPVS dataplane: `services` virtual services holding `dests`
 * destinations in all, a 2^vsBits-slot service table (load ≤ 1/2; its slots are the service
 * records), room for `conns` live
 * connections (index and event pool; both grow between batches if the workload needs more) and
 * `templates` templates to start with, and the expiry wheel (2^wheelBits coarse slots of
 * 2^-tickBits s). Timeouts in seconds.
 */
export function ipvsInit(services: i32, dests: i32, vsBits: i32, conns: i32, templates: i32, tickBits: i32,
  wheelBits: i32, tcpFinTimeout: f64, udpTimeout: f64): i32 {
  if (initialised) return E_STATE;
  if (vsBits < 1 || vsBits > 28 || wheelBits < 5 || wheelBits > 26 || tickBits < 0 || tickBits > 30) return E_CAPACITY;
  if ((<i64>services << 1) > (<i64>1 << vsBits) || dests < 0) return E_CAPACITY;
  serviceArenaInit(services, vsBits, dests);
  vsTableInit(vsBits);
  connInit(conns, tickBits, wheelBits, tcpFinTimeout, udpTimeout);
  persistInit(templates);
  initialised = true;
  return OK;
}

// The scheduler hooks of the build path, one switch for all three (STYLE.md 3: static dispatch).
const HOOK_INIT = 0;
const HOOK_DEST_ADDED = 1;
const HOOK_DEST_UPDATED = 2;

// @ts-ignore: decorator
@inline function runHook<S>(sched: S, hook: i32, svc: usize): void {
  if (hook == HOOK_INIT) sched.init(svc);
  else if (hook == HOOK_DEST_ADDED) sched.destAdded(svc);
  else sched.destUpdated(svc);
}

function schedHook(id: i32, hook: i32, svc: usize): void {
  switch (id) {
    case SCHED_RR: runHook<RoundRobin>(RR, hook, svc); break;
    case SCHED_WRR: runHook<WeightedRoundRobin>(WRR, hook, svc); break;
    case SCHED_LC: runHook<LeastConnection>(LC, hook, svc); break;
    case SCHED_WLC: runHook<WeightedLeastConnection>(WLC, hook, svc); break;
    case SCHED_SED: runHook<ShortestExpectedDelay>(SED, hook, svc); break;
    case SCHED_NQ: runHook<NeverQueue>(NQ, hook, svc); break;
    case SCHED_DH: runHook<DestinationHash>(DH, hook, svc); break;
    case SCHED_SH: runHook<SourceHash>(SH, hook, svc); break;
    case SCHED_MH: runHook<MaglevHash>(MH, hook, svc); break;
  }
}

/**
 * Adds a virtual service with an empty destination list that will hold exactly `destCap`
 * destinations; `timeout` < 0 means not persistent. Returns the service index (its table slot)
 * or E_* (E_STATE: the key is taken).
 */
export function ipvsAddService(vip: u32, port: i32, proto: i32, sched: i32, flags: u32, timeout: f64, destCap: i32): i32 {
  if (!initialised) return E_STATE;
  if (sched < 0 || sched > SCHED_MH) return E_UNKNOWN_SCHEDULER;
  if (proto <= 0 || proto > 255 || <u32>port > 0xffff || destCap < 0) return E_STATE;
  if (svcUsed >= svcCapacity) return E_CAPACITY;
  const s = vsClaim(vip, <u32>port, <u32>proto);
  if (s < 0) return E_STATE;
  const base = destClaim(destCap);
  if (base < 0) return E_CAPACITY;
  svcWrite(s, vip, <u32>port, <u32>proto, sched, timeout >= 0 ? flags | 1 : flags & ~1, timeout, base, destCap);
  schedHook(sched, HOOK_INIT, svcPtr(s));
  noteScheduler(sched);
  return s;
}

/** Adds a destination at the head of service `s`'s list (the scheduler's add hook runs). */
export function ipvsAddDest(s: i32, endpoint: i32, ip: u32, port: i32, weight: i32, serving: i32): i32 {
  const p = svcPtr(s);
  if (<u32>weight > <u32>MAX_WEIGHT) return E_WEIGHT;
  if (svcDestCount(p) >= svcDestCap(p)) return E_CAPACITY;
  const d = svcPushHead(p);
  destWrite(d, endpoint, ip, <u32>port, weight, serving != 0);
  schedHook(svcSched(p), HOOK_DEST_ADDED, p);
  return d;
}

/** Changes the weight of destination `d` of service `s` (the scheduler's update hook runs). */
export function ipvsSetWeight(s: i32, d: i32, weight: i32): i32 {
  if (<u32>weight > <u32>MAX_WEIGHT) return E_WEIGHT;
  const p = svcPtr(s);
  destSetWeight(d, weight);
  schedHook(svcSched(p), HOOK_DEST_UPDATED, p);
  return OK;
}

// Counters and probes of state (tests, benchmarks). u64 counters are returned as f64.
export function ipvsLiveConnections(): i32 { return liveConnections(); }
export function ipvsTemplates(): i32 { return templateCount(); }
/** Expiry events fired: ends of active parts, and connections gone. */
export function ipvsEventsFired(): f64 { return <f64>connEventsFired() + <f64>closingFired(); }
export function ipvsConnLookups(): f64 { return <f64>indexLookups(); }
export function ipvsConnLookupSteps(): f64 { return <f64>indexLookupSteps(); }
/** Bytes held by the connection index, the expiry events and the closing queues. */
export function ipvsConnBytes(): f64 { return indexBytes() + expiryBytes() + closingBytes(); }
export function ipvsVsProbes(): f64 { return <f64>vsTotalProbes(); }
export function ipvsVsLookups(): f64 { return <f64>vsLookups(); }
export function ipvsDestActive(d: i32): i32 { return destActive(d); }
export function ipvsDestInactive(d: i32): i32 { return destInactive(d); }
export function ipvsDestWeight(d: i32): i32 { return destWeight(d); }
export function ipvsDestEndpoint(d: i32): i32 { return destEndpoint(d); }
export function ipvsServiceDestFirst(s: i32): i32 { return svcDestFirst(svcPtr(s)); }
export function ipvsServiceDestCount(s: i32): i32 { return svcDestCount(svcPtr(s)); }
/** Entry `i` of the dh/sh/mh table of service `s` (a global destination index or -1). */
export function ipvsSchedTableEntry(s: i32, i: i32): i32 {
  const t = svcTable(svcPtr(s));
  if (t == 0 || i < 0 || i >= MH_TAB_SIZE) return -1;
  const size = svcSched(svcPtr(s)) == SCHED_MH ? MH_TAB_SIZE : HT_TAB_SIZE;
  return i < size ? load<i32>(t + (<usize>i << 2)) : -1;
}
export function ipvsHash32(v: u32, bits: u32): u32 { return hash32(v, bits); }
/** mh hashkey with key 1 (which = 1) or key 2 (which = 2). */
export function ipvsMhHashkey(addr: u32, port: u32, which: i32, offset: u32): u32 {
  return mhHashkey(addr, port, which == 2 ? MH_HASH2 : MH_HASH1, offset);
}
/** hsiphash of a 4-byte value with an arbitrary key {k0, k1} (BigInt on the JS side). */
export function ipvsHsiphash(v: u32, k0: u64, k1: u64): u32 { return hsiphash32(v, k0, k1); }

