// fast-check arbitraries for the nftables and userspace engines: small clusters whose addresses,
// ports and NodePorts come from tiny pools (so keys collide, clients return, NodePorts are shared)
// and flows in non-decreasing start order aimed mostly at those keys.

import { fc } from '@fast-check/vitest';
import type { Cluster, Endpoint, Protocol, Service } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { ip } from './cluster.js';

const CLUSTER_IPS = ['10.96.0.1', '10.96.0.2', '10.96.0.3'].map(ip);
const NODE_IPS = ['192.0.2.10', '127.0.0.1'].map(ip);
const POD_IPS = Array.from({ length: 12 }, (_, i) => ip(`10.244.${i % 2}.${1 + i}`));
const PORTS = [80, 443];
const NODE_PORTS = [30000, 30001];
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];
const CLIENTS = ['10.250.0.1', '10.250.0.2', '10.250.0.3', '203.0.113.9'].map(ip);

const endpoint: fc.Arbitrary<Endpoint> = fc.record({
  ip: fc.constantFrom(...POD_IPS),
  port: fc.constantFrom(80, 8080),
  weight: fc.constant(1),
  ready: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  serving: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  terminating: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const service = (i: number): fc.Arbitrary<Service> =>
  fc.record({
    name: fc.constant(`ns${i % 2}/svc${i}:p${i}`),
    clusterIP: fc.constantFrom(...CLUSTER_IPS),
    port: fc.constantFrom(...PORTS),
    protocol: fc.constantFrom(...PROTOCOLS),
    nodePort: fc.constantFrom<number | null>(null, null, ...NODE_PORTS),
    affinityTimeout: fc.constantFrom<number | null>(null, null, 1, 5, 10800),
    ipvs: fc.constant(null),
    endpoints: fc.array(endpoint, { maxLength: 4 }),
  });

/** A cluster of 0–5 service ports with colliding keys, optional pod CIDR and node addresses. */
export const arbitraryCluster: fc.Arbitrary<Cluster> = fc.integer({ min: 0, max: 5 }).chain((n) =>
  fc.record({
    podCIDR: fc.constantFrom<Cluster['podCIDR']>(null, { net: ip('10.244.0.0'), prefix: 16 }),
    nodeIPs: fc.subarray(NODE_IPS),
    services: fc.tuple(...Array.from({ length: n }, (_, i) => service(i))),
  }),
);

/** Flows in non-decreasing start order (gaps chosen around affinity timeouts of 1 and 5 s). */
export function arbitraryFlows(maxLength = 60): fc.Arbitrary<Flow[]> {
  const one = fc.record({
    gap: fc.constantFrom(0, 0, 0.25, 1, 2.5, 6),
    src: fc.constantFrom(...CLIENTS),
    dst: fc.constantFrom(...CLUSTER_IPS, ...NODE_IPS, ip('198.51.100.1')),
    dport: fc.constantFrom(...PORTS, ...NODE_PORTS),
    proto: fc.constantFrom(...PROTOCOLS),
  });
  return fc.array(one, { maxLength }).map((raw) => {
    let t = 0;
    return raw.map((r, index) => {
      t += r.gap;
      return { index, start: t, src: r.src, sport: 40000 + index, dst: r.dst, dport: r.dport, proto: r.proto, duration: 1 };
    });
  });
}
