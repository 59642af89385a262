// Builds a DecisionEngine for a mode from the cluster model: the one place that knows every engine.

import type { Cluster, SchedulerName } from '../model/cluster.js';
import type { WasmBuild } from '../wasm/loader.js';
import type { DecisionEngine } from './engine.js';
import { compileIptables } from '../iptables/compile.js';
import { IptablesWasmEngine } from './iptables-wasm.js';
import { IptablesReferenceEngine } from './reference/iptables.js';
import { IpvsWasmEngine } from './ipvs-wasm.js';
import { IpvsReferenceEngine } from './reference/ipvs.js';
import { NftablesWasmEngine } from './nftables-wasm.js';
import { NftablesReferenceEngine } from './reference/nftables.js';
import { UserspaceWasmEngine } from './userspace-wasm.js';
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
  const ipvs = {
    scheduler: o.scheduler ?? 'rr',
    ...(o.tcpFinTimeout !== undefined ? { tcpFinTimeout: o.tcpFinTimeout } : {}),
    ...(o.udpTimeout !== undefined ? { udpTimeout: o.udpTimeout } : {}),
  };
  switch (mode) {
    case 'iptables': {
      const rs = compileIptables(cluster);
      return o.kind === 'reference' ? new IptablesReferenceEngine(rs, { seed: o.seed }) : new IptablesWasmEngine(rs, { build: o.kind, seed: o.seed });
    }
    case 'ipvs':
      return o.kind === 'reference' ? new IpvsReferenceEngine(cluster, ipvs) : new IpvsWasmEngine(cluster, { build: o.kind, ...ipvs });
    case 'nftables':
      return o.kind === 'reference' ? new NftablesReferenceEngine(cluster, { seed: o.seed }) : new NftablesWasmEngine(cluster, { build: o.kind, seed: o.seed });
    case 'userspace':
      return o.kind === 'reference' ? new UserspaceReferenceEngine(cluster) : new UserspaceWasmEngine(cluster, { build: o.kind });
  }
}
