// Host side of the WASM workload generator: lays the service table (and zipf alias table) into the
// instance's arena once, then each call fills a Flow batch in WASM memory.

import { PROTOCOL_NUMBER, type Cluster } from '../model/cluster.js';
import { workloadPlan, type WorkloadOptions } from '../gen/flows.js';
import type { KpbenchExports } from './exports.js';

/** Generates one shard's flows straight into WASM memory. */
export class WasmWorkload {
  readonly #x: KpbenchExports;

  /** Configures `x`'s generator for `cluster` and the workload options. */
  constructor(x: KpbenchExports, cluster: Cluster, o: WorkloadOptions) {
    this.#x = x;
    const plan = workloadPlan(cluster, o);
    const n = cluster.services.length;
    const words = Math.max(1, n);
    const ip = x.alloc(words * 4);
    const port = x.alloc(words * 4);
    const proto = x.alloc(words * 4);
    const alias = plan.alias === null ? 0 : x.alloc(n * 8);
    const u32 = new Uint32Array(x.memory.buffer);
    cluster.services.forEach((s, i) => {
      u32[(ip >>> 2) + i] = s.clusterIP;
      u32[(port >>> 2) + i] = s.port;
      u32[(proto >>> 2) + i] = PROTOCOL_NUMBER[s.protocol];
    });
    if (plan.alias !== null) new Uint32Array(x.memory.buffer, alias, 2 * n).set(plan.alias);
    x.workloadConfigure(plan.key, n, ip, port, proto, alias, plan.miss16, plan.clients, plan.rate, plan.duration, plan.invLnQ);
  }

  /**
   * Writes the flows of `first … first+count−1` owned by `shard` of `shards` as Flow records at
   * `outPtr` (room for `count` records needed); returns how many were written.
   */
  generate(first: number, count: number, shard: number, shards: number, outPtr: number): number {
    return this.#x.workloadGenerate(first, count, shard, shards, outPtr) >>> 0;
  }
}
