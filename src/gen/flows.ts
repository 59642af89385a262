// Synthetic workload in plain TypeScript (SPEC 2.2): flow i is a pure function of (seed, i).
// The reference the WASM generator (wasm/assembly/workload/generate.ts) must equal bit for bit,
// and the flow source of tests and micro-benchmarks.

import { PROTOCOL_NUMBER, type Cluster, type Protocol } from '../model/cluster.js';
import type { Flow } from '../model/flow.js';
import { mix32, RandomDomain, streamKey } from './counter-random.js';
import { lnFraction, lnScaled62f } from './detln.js';

/** Which service a flow targets: uniform, or Zipf with exponent s over services in cluster order. */
export type Popularity = { readonly kind: 'uniform' } | { readonly kind: 'zipf'; readonly s: number };

/** Workload parameters of SPEC 2.2 that shape individual flows. */
export interface WorkloadOptions {
  readonly seed: number;
  /** Fraction of flows to addresses no service owns. @default 0 */
  readonly miss?: number;
  /** Distinct client IPs. @default 10000 */
  readonly clients?: number;
  /** New flows per second of simulated time. @default 20000 */
  readonly rate?: number;
  /** Mean flow lifetime in seconds (exponential). @default 1 */
  readonly duration?: number;
  /** Mean packets per flow (geometric, ≥ 1). @default 10 */
  readonly packets?: number;
  /** @default uniform */
  readonly popularity?: Popularity;
}

/** A generated flow, with its packet count (the first takes the new-flow path, the rest conntrack). */
export interface WorkloadFlow extends Flow {
  readonly packets: number;
}

/** First client address, 10.250.0.0: inside the synthetic pod CIDR, apart from the endpoints. */
export const CLIENT_BASE = 0x0afa0000;
/** Most distinct clients (10.250.0.0 … 10.255.255.255). */
export const MAX_CLIENTS = 6 * 65536;
/** Destination of missing flows: 203.0.113.0/24 (TEST-NET-3), owned by no service. */
export const MISS_BASE = 0xcb007100;

/**
 * Draw words of one flow: a = mix32(i ^ key) and x = a·M mod 2^32 for each multiplier M here (only
 * an x's top bits are used; see wasm/assembly/workload/generate.ts for how the multipliers were
 * chosen). a picks the service; the others are named by what they draw. Both generators use
 * exactly these.
 */
export const WorkloadWord = {
  CLIENT: 0xa0e08f79,
  MISS: 0x295f84db,
  SPORT: 0xa5deb959,
  ARRIVAL: 0xd2270129,
  SPLIT: 0x0120d6c7,
  GAMMA_A: 0xe09985fd,
  GAMMA_B: 0xae19187f,
} as const;

const U32 = 2 ** 32;
const TWO_POW_M23 = 2 ** -23;
const fround = Math.fround;

/**
 * Walker's alias table for zipf popularity over n services (host-computed once, shared with WASM),
 * or null for uniform: pairs [threshold, alias] per bucket j. A flow with draw a takes bucket
 * j = ⌊a·n/2^32⌋ and, with r = a·n mod 2^32, service j when r < threshold, else alias. Each bucket
 * holds 1/n of the probability, split between two services, so the choice costs one lookup.
 */
export function popularityAlias(n: number, popularity: Popularity): Uint32Array | null {
  if (popularity.kind === 'uniform' || n === 0) return null;
  const q = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) total += q[k] = 1 / (k + 1) ** popularity.s;
  for (let k = 0; k < n; k++) q[k] = (q[k]! / total) * n;
  const table = new Uint32Array(2 * n);
  const small: number[] = [];
  const large: number[] = [];
  for (let k = n - 1; k >= 0; k--) (q[k]! < 1 ? small : large).push(k);
  for (let k = 0; k < n; k++) table.set([0xffffffff, k], 2 * k); // all its own unless split below
  while (small.length > 0 && large.length > 0) {
    const lo = small.pop()!;
    const hi = large.pop()!;
    table.set([Math.min(0xffffffff, Math.round(q[lo]! * U32)), hi], 2 * lo);
    q[hi] = q[hi]! + q[lo]! - 1;
    (q[hi]! < 1 ? small : large).push(hi);
  }
  return table;
}

/** round(miss · 65536): a flow misses when the top 16 bits of its MISS_SPORT draw are below it. */
export function missThreshold16(miss: number): number {
  return Math.round(miss * 65536);
}

/** 1/ln(1 − 1/P) for geometric packet counts with mean P, or 0 when every flow has one packet. */
export function packetsInvLnQ(meanPackets: number): number {
  return meanPackets <= 1 ? 0 : 1 / lnFraction(1 - 1 / meanPackets);
}

/** Everything the per-flow function needs, computed once. */
export interface WorkloadPlan {
  readonly key: number;
  /** popularityAlias: null for uniform. */
  readonly alias: Uint32Array | null;
  readonly miss16: number;
  readonly clients: number;
  readonly rate: number;
  readonly duration: number;
  readonly invLnQ: number;
}

/** Resolves options and defaults into a plan. */
export function workloadPlan(cluster: Cluster, o: WorkloadOptions): WorkloadPlan {
  return {
    key: streamKey(o.seed >>> 0, RandomDomain.WORKLOAD),
    alias: popularityAlias(cluster.services.length, o.popularity ?? { kind: 'uniform' }),
    miss16: missThreshold16(o.miss ?? 0),
    clients: o.clients ?? 10000,
    rate: o.rate ?? 20000,
    duration: o.duration ?? 1,
    invLnQ: packetsInvLnQ(o.packets ?? 10),
  };
}

function chooseService(a: number, n: number, alias: Uint32Array | null): number {
  const j = Math.floor((a / U32) * n); // exact while a·n < 2^53, i.e. n < 2^21 services
  if (alias === null) return j;
  return (Math.imul(a, n) >>> 0) < alias[2 * j]! ? j : alias[2 * j + 1]!;
}

/** i32.trunc_sat_f32_s: toward zero, NaN to 0, out of range to the nearest i32. */
function truncSatI32(y: number): number {
  if (Number.isNaN(y)) return 0;
  return Math.max(-2147483648, Math.min(2147483647, Math.trunc(y)));
}

/**
 * Flow i of the workload and the index of its service (−1 for a miss).
 *
 * Duration and packets come from one logarithm: G = −ln(u6·u7) is Gamma(2) for independent
 * uniforms u6, u7 (31 bits each, odd numerators: never 0; product and logarithm in f32), and for
 * V uniform and independent of G, G·V and G·(1 − V) are independent Exp(1) draws (the
 * beta–gamma algebra: a Gamma(2) split at a uniform point). Duration is mean·G·V (exponential);
 * packets are 1 + ⌊G(1 − V)/−ln q⌋, q = 1 − 1/mean (geometric, mean ≥ 1). V = (k + ½)/2^23 for a
 * 23-bit k, so neither part is ever exactly 0 or G.
 */
export function workloadFlow(cluster: Cluster, p: WorkloadPlan, i: number): { flow: WorkloadFlow; service: number } {
  const n = cluster.services.length;
  const a = mix32((i ^ p.key) >>> 0);
  const word = (m: number): number => Math.imul(a, m) >>> 0;
  const isMiss = n === 0 || word(WorkloadWord.MISS) >>> 16 < p.miss16;
  const service = isMiss ? -1 : chooseService(a, n, p.alias);
  const svc = isMiss ? null : cluster.services[service]!;
  const client = Math.floor((word(WorkloadWord.CLIENT) / U32) * p.clients);
  const l = lnScaled62f(fround(fround((word(WorkloadWord.GAMMA_A) >>> 1) | 1) * fround((word(WorkloadWord.GAMMA_B) >>> 1) | 1)));
  const v = ((word(WorkloadWord.SPLIT) >>> 9) + 0.5) * TWO_POW_M23; // exact in f32
  const e1 = fround(l * v); // −G·V
  const proto: Protocol = svc === null ? 'tcp' : svc.protocol;
  return {
    service,
    flow: {
      index: i,
      start: (i + (word(WorkloadWord.ARRIVAL) >>> 16) / 65536) * (1 / p.rate),
      src: (CLIENT_BASE + client) >>> 0,
      sport: 1024 + ((word(WorkloadWord.SPORT) >>> 16) % 64512),
      dst: svc === null ? (MISS_BASE + (i & 0xff)) >>> 0 : svc.clusterIP,
      dport: svc === null ? 80 : svc.port,
      proto,
      duration: e1 * -p.duration,
      packets: truncSatI32(fround(fround(fround(l - e1) * fround(p.invLnQ)) + 1)),
    },
  };
}

/** Flows `first … first+count−1` of the workload over `cluster`, optionally only one shard's. */
export function syntheticFlows(cluster: Cluster, first: number, count: number, o: WorkloadOptions, shard = 0, shards = 1): WorkloadFlow[] {
  const plan = workloadPlan(cluster, o);
  const flows: WorkloadFlow[] = [];
  for (let i = first; i < first + count; i++) {
    const { flow, service } = workloadFlow(cluster, plan, i);
    if ((service < 0 ? i : service) % shards === shard) flows.push(flow);
  }
  return flows;
}

/** Protocol number of a flow, as engines store it. */
export function flowProtoNumber(f: Flow): number {
  return PROTOCOL_NUMBER[f.proto];
}
