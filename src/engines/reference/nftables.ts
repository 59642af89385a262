// Reference nftables engine: kube-proxy's nftables ruleset (dataplane.md 3) evaluated the slow,
// obvious way — scans over the service list instead of hashed maps, Maps of client times — as the
// oracle for the WASM engine.
//
// Per new flow, in packet order:
//   services chain  `ip daddr . meta l4proto . th dport vmap @service-ips`            (1 lookup)
//                   `fib daddr type local ip daddr != 127.0.0.0/8 … vmap @service-nodeports`
//                                                  (+1 lookup, only if service-ips missed)
//   service chain   `ip saddr @affinity-E goto endpoint-E`, E in endpoint order   (+1 per set tested)
//                   `numgen random mod n vmap { … }`: E = ⌊r·n/2^32⌋, r = draw 0 of the flow
//   endpoint chain  `update @affinity-E { ip saddr }`, dnat
// A flow that reaches no service chain is rejected when its key is in `no-endpoint-services` or
// (local destination) `no-endpoint-nodeports`, else it passes (`nomatch`). Those maps hold exactly
// the keys of services without endpoints, so their lookups are counted with service-ips /
// service-nodeports, not separately. An element is live while now < lastUpdate + timeout.

import { drawRandom, RandomDomain, streamKey } from '../../gen/counter-random.js';
import { endpointOffsets, isProgrammed, type Cluster, type Service } from '../../model/cluster.js';
import type { Flow } from '../../model/flow.js';
import type { DecisionEngine } from '../engine.js';
import type { RawDecision } from '../flow-batch.js';
import { numgenIndex } from '../../nftables/numgen.js';
import { referenceEndpointOrder } from './endpoint-order.js';

/** Options of the reference nftables engine. */
export interface NftablesReferenceOptions {
  /** Run seed: `numgen` draws come from streamKey(seed, DECISION). */
  readonly seed: number;
}

/** The nftables oracle. `work` = map lookups as defined above. */
export class NftablesReferenceEngine implements DecisionEngine {
  readonly label = 'nftables/reference';
  readonly #cluster: Cluster;
  readonly #key: number;
  readonly #offsets: Uint32Array;
  readonly #order: number[][];
  /** Per global endpoint id: its affinity set, client → time of the last update. */
  readonly #affinity = new Map<number, Map<number, number>>();

  constructor(cluster: Cluster, o: NftablesReferenceOptions) {
    this.#cluster = cluster;
    this.#key = streamKey(o.seed >>> 0, RandomDomain.DECISION);
    this.#offsets = endpointOffsets(cluster);
    this.#order = cluster.services.map(referenceEndpointOrder);
  }

  #hasEndpoints(s: Service): boolean {
    return s.endpoints.some(isProgrammed);
  }

  /** Decides flows in order, keeping the affinity sets across calls. */
  decide(flows: readonly Flow[]): RawDecision[] {
    return flows.map((f) => this.#decideOne(f));
  }

  #decideOne(f: Flow): RawDecision {
    const services = this.#cluster.services;
    const ownsIp = (s: Service): boolean => s.clusterIP === f.dst && s.protocol === f.proto && s.port === f.dport;
    const ownsNodePort = (s: Service): boolean => s.nodePort === f.dport && s.protocol === f.proto;
    let work = 1;
    let target = services.findIndex((s) => ownsIp(s) && this.#hasEndpoints(s));
    let reject = target < 0 && services.some((s) => ownsIp(s));
    if (target < 0 && f.dst >>> 24 !== 127 && this.#cluster.nodeIPs.includes(f.dst)) {
      work++;
      target = services.findIndex((s) => ownsNodePort(s) && this.#hasEndpoints(s));
      reject ||= target < 0 && services.some(ownsNodePort);
    }
    if (target < 0) return { verdict: reject ? 'reject' : 'nomatch', endpoint: -1, work, extra: 0 };

    const svc = services[target]!;
    const ids = this.#order[target]!.map((e) => this.#offsets[target]! + e);
    let chosen: number | undefined;
    if (svc.affinityTimeout !== null) {
      for (const id of ids) {
        work++;
        const last = this.#affinity.get(id)?.get(f.src);
        if (last !== undefined && f.start < last + svc.affinityTimeout) {
          chosen = id;
          break;
        }
      }
    }
    if (chosen === undefined) {
      chosen = ids[numgenIndex(drawRandom(this.#key, f.index, 0), ids.length)]!;
    }
    if (svc.affinityTimeout !== null) {
      let set = this.#affinity.get(chosen);
      if (set === undefined) this.#affinity.set(chosen, (set = new Map()));
      set.set(f.src, f.start);
    }
    return { verdict: 'dnat', endpoint: chosen, work, extra: 0 };
  }
}
