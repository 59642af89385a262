// Reference userspace-proxy engine (kubernetes pkg/proxy/userspace, LoadBalancerRR and tryConnect),
// the slow obvious way, as the oracle for the WASM engine.
//
// Per new connection: the listener of (daddr, dport, proto) — a ClusterIP:port, or a NodePort on a
// node address — picks the service (the first one in scenario order: the later bind would fail).
// No endpoints: the proxy closes the connection (reject, 0 attempts). Otherwise NextEndpoint:
//   - affinity on and not reset: a client entry used within the timeout (now < lastUsed + timeout)
//     gives its endpoint and refreshes lastUsed;
//   - else the endpoint at the service's round-robin index (endpoints sorted "IP:port"), the index
//     advances by one, and with affinity the client's entry becomes (that endpoint, now).
// A dial to a non-serving endpoint is refused: TCP and SCTP retry NextEndpoint with affinity reset,
// up to n attempts in all (n = programmed endpoints); UDP never retries (a UDP dial reaches no peer).
// If every attempt is refused the flow stays on the last endpoint tried (verdict dnat, it fails).
// work = attempts, extra = retries.

import { endpointOffsets, type Cluster } from '../../model/cluster.js';
import type { Flow } from '../../model/flow.js';
import type { DecisionEngine } from '../engine.js';
import type { RawDecision } from '../flow-batch.js';
import { referenceEndpointOrder } from './endpoint-order.js';

interface AffinityEntry {
  endpoint: number;
  lastUsed: number;
}

/** The userspace-proxy oracle. */
export class UserspaceReferenceEngine implements DecisionEngine {
  readonly label = 'userspace/reference';
  readonly #cluster: Cluster;
  readonly #offsets: Uint32Array;
  readonly #order: number[][];
  readonly #index: number[];
  readonly #affinity: Map<number, AffinityEntry>[];

  constructor(cluster: Cluster) {
    this.#cluster = cluster;
    this.#offsets = endpointOffsets(cluster);
    this.#order = cluster.services.map(referenceEndpointOrder);
    this.#index = cluster.services.map(() => 0);
    this.#affinity = cluster.services.map(() => new Map());
  }

  /** Decides flows in order, keeping cursors and affinity across calls. */
  decide(flows: readonly Flow[]): RawDecision[] {
    return flows.map((f) => this.#decideOne(f));
  }

  #decideOne(f: Flow): RawDecision {
    const services = this.#cluster.services;
    let s = services.findIndex((x) => x.clusterIP === f.dst && x.port === f.dport && x.protocol === f.proto);
    if (s < 0 && this.#cluster.nodeIPs.includes(f.dst)) {
      s = services.findIndex((x) => x.nodePort === f.dport && x.protocol === f.proto);
    }
    if (s < 0) return { verdict: 'nomatch', endpoint: -1, work: 0, extra: 0 };
    const svc = services[s]!;
    const order = this.#order[s]!;
    const n = order.length;
    if (n === 0) return { verdict: 'reject', endpoint: -1, work: 0, extra: 0 };

    const timeout = svc.affinityTimeout;
    const clients = this.#affinity[s]!;
    let attempts = 0;
    let position = 0;
    for (;;) {
      const entry = clients.get(f.src);
      if (timeout !== null && attempts === 0 && entry !== undefined && f.start < entry.lastUsed + timeout) {
        position = entry.endpoint;
        entry.lastUsed = f.start;
      } else {
        position = this.#index[s]!;
        this.#index[s] = (position + 1) % n;
        if (timeout !== null) clients.set(f.src, { endpoint: position, lastUsed: f.start });
      }
      attempts++;
      const refused = !svc.endpoints[order[position]!]!.serving;
      if (!refused || f.proto === 'udp' || attempts === n) break;
    }
    return { verdict: 'dnat', endpoint: this.#offsets[s]! + order[position]!, work: attempts, extra: attempts - 1 };
  }
}
