// Builds the WASM engine of a mode for the benchmark runner, from a module compiled once.

import type { Cluster, SchedulerName } from '../model/cluster.js';
import type { WasmBuild } from '../wasm/loader.js';
import { compileIptables } from '../iptables/compile.js';
import type { BatchEngine, DecisionEngine } from './engine.js';
import type { Mode } from './factory.js';
import { IptablesWasmEngine } from './iptables-wasm.js';
import { IpvsWasmEngine } from './ipvs-wasm.js';
import { NftablesWasmEngine } from './nftables-wasm.js';
import { UserspaceWasmEngine } from './userspace-wasm.js';

/** What the runner's engines need. */
export interface BatchEngineOptions {
  readonly build: WasmBuild;
  readonly seed: number;
  readonly scheduler: SchedulerName;
  readonly tcpFinTimeout: number;
  readonly udpTimeout: number;
  /** The compiled core, when the caller has it (workers receive it once from the main thread). */
  readonly module?: WebAssembly.Module;
  /** iptables: the packed ruleset image, when the caller compiled it already. */
  readonly iptablesImage?: Uint8Array;
}

/** A fresh WASM engine for `mode` over `cluster`. */
export function createBatchEngine(mode: Mode, cluster: Cluster, o: BatchEngineOptions): BatchEngine & DecisionEngine {
  const common = { build: o.build, ...(o.module !== undefined ? { module: o.module } : {}) };
  switch (mode) {
    case 'iptables':
      return new IptablesWasmEngine(o.iptablesImage ?? compileIptables(cluster), { ...common, seed: o.seed });
    case 'ipvs':
      return new IpvsWasmEngine(cluster, { ...common, scheduler: o.scheduler, tcpFinTimeout: o.tcpFinTimeout, udpTimeout: o.udpTimeout });
    case 'nftables':
      return new NftablesWasmEngine(cluster, { ...common, seed: o.seed });
    case 'userspace':
      return new UserspaceWasmEngine(cluster, common);
  }
}
