// Builds a DecisionEngine for a mode from the cluster model: the one place that knows every engine.

import type { Cluster, SchedulerName } from '../model/cluster.js';
import type { WasmBuild } from '../wasm/loader.js';
import type { DecisionEngine } from './engine.js';
import { createBatchEngine } from './batch-factory.js';
import { compileIptables } from '../iptables/compile.js';
import { IptablesReferenceEngine } from './reference/iptables.js';
import { IpvsReferenceEngine } from './reference/ipvs.js';
import { NftablesReferenceEngine } from './reference/nftables.js';
import { UserspaceReferenceEngine } from './reference/userspace.js';

/** The four kube-proxy dataplane modes. */
export type Mode = 'iptables' | 'ipvs' | 'nftables' | 'userspace';
/** Every mode, in report order. */
export const MODES: readonly Mode[] = ['iptables', 'ipvs', 'nftables', 'userspace'];

/** Which implementation decides: a WASM build or the TypeScript reference. */
export type EngineKind = WasmBuild | 'reference';

/** What an engine needs besides the cluster. */
export interface EngineOptions {
  readonly kind: EngineKind;
  /** Seed of counter-based randomness (iptables statistic, nftables numgen). */
  readonly seed: number;
  /** IPVS scheduler for services that do not name their own. @default 'rr' */
  readonly scheduler?: SchedulerName;
  /** IPVS FIN_WAIT/TIME_WAIT timeout, seconds. @default 120 */
  readonly tcpFinTimeout?: number;
  /** IPVS UDP timeout, seconds. @default 300 */
  readonly udpTimeout?: number;
}

/** A fresh engine (with empty state) for `mode` over `cluster`. */
export function createEngine(mode: Mode, cluster: Cluster, o: EngineOptions): DecisionEngine {
  if (o.kind !== 'reference') {
    return createBatchEngine(mode, cluster, {
      build: o.kind, seed: o.seed, scheduler: o.scheduler ?? 'rr', tcpFinTimeout: o.tcpFinTimeout ?? 120, udpTimeout: o.udpTimeout ?? 300,
    });
  }
  const ipvs = {
    scheduler: o.scheduler ?? 'rr',
    ...(o.tcpFinTimeout !== undefined ? { tcpFinTimeout: o.tcpFinTimeout } : {}),
    ...(o.udpTimeout !== undefined ? { udpTimeout: o.udpTimeout } : {}),
  };
  switch (mode) {
    case 'iptables':
      return new IptablesReferenceEngine(compileIptables(cluster), { seed: o.seed });
    case 'ipvs':
      return new IpvsReferenceEngine(cluster, ipvs);
    case 'nftables':
      return new NftablesReferenceEngine(cluster, { seed: o.seed });
    case 'userspace':
      return new UserspaceReferenceEngine(cluster);
  }
}
