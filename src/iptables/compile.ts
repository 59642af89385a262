// Cluster → the iptables ruleset modern kube-proxy (1.29+) programs, Cluster traffic policies only
// (dataplane.md 2.1–2.7; source: kubernetes pkg/proxy/iptables/proxier.go). Service ports appear in
// KUBE-SERVICES in scenario order (SPEC 2.1) instead of kube-proxy's Go-map order.

import { endpointOffsets, type Cluster, type Endpoint, type Service } from '../model/cluster.js';
import { KpbenchError } from '../errors.js';
import { endpointProbability } from './probability.js';
import { endpointChainName, externalChainName, serviceChainName } from './names.js';
import { endpointString, kubeProxyEndpointOrder } from '../model/endpoint-order.js';
import type { AddressMatch, Chain, Match, Rule, Ruleset, Target } from './ruleset.js';
import {
  DST_LOCAL,
  JUMP_MARK_MASQ,
  KUBE_EXTERNAL_SERVICES,
  KUBE_NODEPORTS,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  NODEPORTS_COMMENT,
  filterBuiltinChains,
  filterForwardChain,
  natBuiltinChains,
  natFixedChains,
  userChain,
} from './fixed-chains.js';

/**
 * Above this many programmed endpoints kube-proxy drops per-endpoint comments from KUBE-SVC and
 * KUBE-SEP rules (`largeClusterEndpointsThreshold`).
 */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

type Proto = Service['protocol'];

/** One programmed endpoint in kube-proxy's order. */
interface SortedEndpoint {
  readonly ep: Endpoint;
  /** `IP:port`, the sort key and hash input. */
  readonly key: string;
  /** Global endpoint id: offset of the service + index in the scenario list. */
  readonly id: number;
}

/** The programmed endpoints of a service port in kube-proxy's order, with their keys and global ids. */
function sortedEndpoints(svc: Service, offset: number): SortedEndpoint[] {
  return kubeProxyEndpointOrder(svc).map((e) => {
    const ep = svc.endpoints[e]!;
    return { ep, key: endpointString(ep), id: offset + e };
  });
}

/** Per-compile caches of immutable rule pieces shared between rules. */
class Pieces {
  readonly #protoOnly = new Map<Proto, Match>();
  readonly #random: Match[] = [];

  /** `-m <proto>` without port options (the DNAT rule's form). */
  protoOnly(proto: Proto): Match {
    let m = this.#protoOnly.get(proto);
    if (m === undefined) {
      m = { kind: 'proto', proto, dport: null, sport: null };
      this.#protoOnly.set(proto, m);
    }
    return m;
  }

  /** `-m statistic --mode random --probability p(k)`. */
  random(k: number): Match {
    let m = this.#random[k];
    if (m === undefined) {
      const p = endpointProbability(k);
      m = { kind: 'random', probability: p.value, threshold: p.threshold, invert: false };
      this.#random[k] = m;
    }
    return m;
  }
}

function host(ip: number): AddressMatch {
  return { net: ip, prefix: 32, invert: false };
}

function dport(proto: Proto, port: number): Match {
  return { kind: 'proto', proto, dport: { lo: port, hi: port, invert: false }, sport: null };
}

function comment(text: string): Match {
  return { kind: 'comment', text };
}

function jump(chain: string): Extract<Target, { kind: 'jump' }> {
  return { kind: 'jump', chain };
}

/** Accumulates the chains and rules of both tables while services are visited in order. */
class Builder {
  readonly natServices: Rule[] = [];
  readonly natNodePorts: Rule[] = [];
  readonly natServiceChains: Chain[] = [];
  readonly filterServices: Rule[] = [];
  readonly filterExternal: Rule[] = [];
  readonly #pieces = new Pieces();
  readonly #podCIDR: AddressMatch | null;
  /** Large cluster mode: leave out per-endpoint comments. */
  readonly #terse: boolean;

  constructor(podCIDR: AddressMatch | null, terse: boolean) {
    this.#podCIDR = podCIDR;
    this.#terse = terse;
  }

  /** A service port with programmed endpoints: nat rules and its SVC/EXT/SEP chains. */
  addService(svc: Service, endpoints: readonly SortedEndpoint[]): void {
    const { name, protocol: proto } = svc;
    const svcChain = serviceChainName(svc);
    const clusterIP = host(svc.clusterIP);
    // The KUBE-SERVICES rule and the SVC masquerade rule test the same things.
    const clusterMatches = [comment(`${name} cluster IP`), dport(proto, svc.port)];
    this.natServices.push({ src: null, dst: clusterIP, proto, matches: clusterMatches, target: jump(svcChain) });

    if (svc.nodePort !== null) {
      const extChain = externalChainName(svc);
      this.natNodePorts.push({
        src: null,
        dst: null,
        proto,
        matches: [comment(name), dport(proto, svc.nodePort)],
        target: jump(extChain),
      });
      this.natServiceChains.push(
        userChain(extChain, [
          { src: null, dst: null, proto: null, matches: [comment(`masquerade traffic for ${name} external destinations`)], target: JUMP_MARK_MASQ },
          { src: null, dst: null, proto: null, matches: [], target: jump(svcChain) },
        ]),
      );
    }

    const seps = endpoints.map((e) => jump(endpointChainName(svc, e.ep, e.key)));
    this.natServiceChains.push(userChain(svcChain, this.#serviceRules(svc, clusterIP, clusterMatches, endpoints, seps)));
    // Every endpoint chain of a service carries the same service-level comment, so the match lists
    // are shared unless affinity puts the chain's own name into the DNAT rule.
    const hairpinMatches: readonly Match[] = this.#terse ? [] : [comment(name)];
    const dnatMatches: readonly Match[] = [...hairpinMatches, this.#pieces.protoOnly(proto)];
    endpoints.forEach((e, i) => {
      const sep = seps[i]!.chain;
      const matches =
        svc.affinityTimeout === null
          ? dnatMatches
          : [...hairpinMatches, { kind: 'recent', name: sep, mode: 'set', seconds: 0, reap: false } as const, this.#pieces.protoOnly(proto)];
      this.natServiceChains.push(
        userChain(sep, [
          { src: host(e.ep.ip), dst: null, proto: null, matches: hairpinMatches, target: JUMP_MARK_MASQ },
          { src: null, dst: null, proto, matches, target: { kind: 'DNAT', ip: e.ep.ip, port: e.ep.port, endpoint: e.id } },
        ]),
      );
    });
  }

  /** KUBE-SVC-X: off-cluster masquerade, affinity checks, then the probability cascade. */
  #serviceRules(
    svc: Service,
    clusterIP: AddressMatch,
    clusterMatches: readonly Match[],
    endpoints: readonly SortedEndpoint[],
    seps: readonly Extract<Target, { kind: 'jump' }>[],
  ): Rule[] {
    const rules: Rule[] = [];
    if (this.#podCIDR !== null) {
      rules.push({ src: this.#podCIDR, dst: clusterIP, proto: svc.protocol, matches: clusterMatches, target: JUMP_MARK_MASQ });
    }
    const epComments = this.#terse ? null : endpoints.map((e) => comment(`${svc.name} -> ${e.key}`));
    const timeout = svc.affinityTimeout;
    if (timeout !== null) {
      seps.forEach((sep, i) => {
        const recent: Match = { kind: 'recent', name: sep.chain, mode: 'rcheck', seconds: timeout, reap: true };
        rules.push({ src: null, dst: null, proto: null, matches: epComments ? [epComments[i]!, recent] : [recent], target: sep });
      });
    }
    const n = endpoints.length;
    seps.forEach((sep, i) => {
      // k = endpoints not yet passed; the last rule catches whatever is left.
      const random = i < n - 1 ? this.#pieces.random(n - i) : null;
      const matches: Match[] = epComments ? [epComments[i]!] : [];
      if (random !== null) matches.push(random);
      rules.push({ src: null, dst: null, proto: null, matches, target: sep });
    });
    return rules;
  }

  /** A service port without programmed endpoints: filter REJECTs for its cluster IP and NodePort. */
  addRejects(svc: Service): void {
    const { protocol: proto } = svc;
    const noEndpoints = comment(`${svc.name} has no endpoints`);
    this.filterServices.push({ src: null, dst: host(svc.clusterIP), proto, matches: [noEndpoints, dport(proto, svc.port)], target: { kind: 'REJECT' } });
    if (svc.nodePort !== null) {
      this.filterExternal.push({
        src: null,
        dst: null,
        proto,
        matches: [noEndpoints, DST_LOCAL, dport(proto, svc.nodePort)],
        target: { kind: 'REJECT' },
      });
    }
  }
}

/** Service port names must be unique per protocol, or two services would share chain names. */
function checkUnique(services: readonly Service[]): void {
  const seen = new Map<string, number>();
  services.forEach((svc, i) => {
    const key = `${svc.name}\u0000${svc.protocol}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new KpbenchError(
        'KPB_ERR_INPUT',
        `services[${i}].name: service port "${svc.name}" (${svc.protocol}) repeats services[${first}]; give each port a unique name`,
      );
    }
    seen.set(key, i);
  });
}

/**
 * Compiles a cluster into the filter and nat tables kube-proxy's iptables mode programs
 * (Cluster internal/external traffic policy, default flags, masquerade bit 14, `--random-fully`).
 * Only ready, non-terminating endpoints are programmed; DNAT targets carry the global endpoint id
 * (`endpointOffsets(cluster)[s] + e`, `e` in scenario order).
 * @throws KpbenchError (KPB_ERR_INPUT) when two service ports share a name and protocol.
 */
export function compileIptables(cluster: Cluster): Ruleset {
  const { services } = cluster;
  checkUnique(services);
  const offsets = endpointOffsets(cluster);
  const sorted = services.map((svc, s) => sortedEndpoints(svc, offsets[s]!));
  const programmed = sorted.reduce((sum, eps) => sum + eps.length, 0);
  const podCIDR = cluster.podCIDR === null ? null : { net: cluster.podCIDR.net, prefix: cluster.podCIDR.prefix, invert: true };
  const b = new Builder(podCIDR, programmed > LARGE_CLUSTER_ENDPOINTS);

  services.forEach((svc, s) => {
    const eps = sorted[s]!;
    if (eps.length > 0) b.addService(svc, eps);
    else b.addRejects(svc);
  });
  // NodePorts are matched only after every service IP has been tried.
  b.natServices.push({ src: null, dst: null, proto: null, matches: [comment(NODEPORTS_COMMENT), DST_LOCAL], target: jump(KUBE_NODEPORTS) });

  return {
    tables: [
      {
        name: 'filter',
        chains: [
          ...filterBuiltinChains(),
          userChain(KUBE_SERVICES, b.filterServices),
          userChain(KUBE_EXTERNAL_SERVICES, b.filterExternal),
          filterForwardChain(),
          userChain(KUBE_NODEPORTS, []),
          userChain(KUBE_PROXY_FIREWALL, []),
        ],
      },
      {
        name: 'nat',
        chains: [
          ...natBuiltinChains(),
          userChain(KUBE_SERVICES, b.natServices),
          userChain(KUBE_NODEPORTS, b.natNodePorts),
          ...natFixedChains(),
          ...b.natServiceChains,
        ],
      },
    ],
    localAddresses: cluster.nodeIPs,
  };
}
