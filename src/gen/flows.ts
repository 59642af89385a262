// Synthetic workload in plain TypeScript (SPEC 2.2): flow i is a pure function of (seed, i).
// It is the reference the WASM generator is checked against and the flow source of `decide`-style
// tests and micro-benchmarks.

import { PROTOCOL_NUMBER, type Cluster } from '../model/cluster.js';
import type { Flow } from '../model/flow.js';
import { drawRandom, RandomDomain, streamKey } from './counter-random.js';

/** Which service a flow targets. */
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
  /** @default uniform */
  readonly popularity?: Popularity;
}

/** First client address, 10.250.0.0: inside the synthetic pod CIDR, apart from the endpoints. */
export const CLIENT_BASE = (10 << 24 | 250 << 16) >>> 0;
/** Destination of missing flows: 203.0.113.0/24 (TEST-NET-3), owned by no service. */
export const MISS_BASE = (203 << 24 | 0 << 16 | 113 << 8) >>> 0;

/** Draw slots of one flow in the WORKLOAD stream (stable: the WASM generator uses the same). */
export const WorkloadDraw = { MISS: 0, SERVICE: 1, CLIENT: 2, SPORT: 3, ARRIVAL: 4, DURATION: 5, PACKETS: 6 } as const;

const U32 = 2 ** 32;

/** A service chooser for one popularity law: maps a uniform u32 to a service index. */
export function serviceChooser(n: number, popularity: Popularity): (r: number) => number {
  if (popularity.kind === 'uniform' || n <= 1) return (r) => Math.floor((r / U32) * n);
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) cdf[k] = acc += 1 / (k + 1) ** popularity.s;
  for (let k = 0; k < n; k++) cdf[k]! /= acc;
  return (r) => {
    const u = r / U32;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Flows `first … first+count-1` of the workload over `cluster`. */
export function syntheticFlows(cluster: Cluster, first: number, count: number, o: WorkloadOptions): Flow[] {
  const key = streamKey(o.seed >>> 0, RandomDomain.WORKLOAD);
  const miss = o.miss ?? 0;
  const clients = o.clients ?? 10000;
  const rate = o.rate ?? 20000;
  const meanDuration = o.duration ?? 1;
  const n = cluster.services.length;
  const choose = serviceChooser(n, o.popularity ?? { kind: 'uniform' });
  const flows: Flow[] = new Array<Flow>(count);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const isMiss = n === 0 || drawRandom(key, i, WorkloadDraw.MISS) / U32 < miss;
    const svc = isMiss ? null : cluster.services[choose(drawRandom(key, i, WorkloadDraw.SERVICE))]!;
    const client = Math.floor((drawRandom(key, i, WorkloadDraw.CLIENT) / U32) * clients);
    flows[k] = {
      index: i,
      start: (i + drawRandom(key, i, WorkloadDraw.ARRIVAL) / U32) / rate,
      src: (CLIENT_BASE + client) >>> 0,
      sport: 1024 + (drawRandom(key, i, WorkloadDraw.SPORT) % 64512),
      dst: svc === null ? (MISS_BASE + (i & 0xff)) >>> 0 : svc.clusterIP,
      dport: svc === null ? 80 : svc.port,
      proto: svc === null ? 'tcp' : svc.protocol,
      duration: -Math.log(1 - drawRandom(key, i, WorkloadDraw.DURATION) / U32) * meanDuration,
    };
  }
  return flows;
}

/** Protocol number of a flow, as engines store it. */
export function flowProtoNumber(f: Flow): number {
  return PROTOCOL_NUMBER[f.proto];
}
