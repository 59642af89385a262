// The synthetic cluster and workload options of a case: a pure function of the run's workload and
// N, so the main thread and every worker build the same cluster without shipping it.

import { syntheticCluster } from '../gen/cluster.js';
import type { WorkloadOptions } from '../gen/flows.js';
import type { Cluster } from '../model/cluster.js';
import type { RunWorkload } from './spec.js';

const cache = new Map<string, Cluster>();

/** The cluster of N service ports under `w` (memoised per thread: cases share it). */
export function clusterFor(w: RunWorkload, services: number): Cluster {
  const key = JSON.stringify([w.seed, w.endpoints, w.weights, w.tcp, w.dead, services]);
  let c = cache.get(key);
  if (c === undefined) {
    if (cache.size > 4) cache.clear();
    c = syntheticCluster({ services, endpoints: w.endpoints, weights: w.weights, udpFraction: 1 - w.tcp, deadFraction: w.dead, seed: w.seed });
    cache.set(key, c);
  }
  return c;
}

/** The per-flow generator options of `w`. */
export function workloadOptions(w: RunWorkload): WorkloadOptions {
  return { seed: w.seed, miss: w.miss, clients: w.clients, rate: w.rate, duration: w.duration, packets: w.packets, popularity: w.popularity };
}
