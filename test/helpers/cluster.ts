// Builders for cluster-model objects in tests: fields default to what a scenario without the
// optional keys means (SPEC 2.1), addresses are written as text.

import type { Cluster, Endpoint, Protocol, Service } from '../../src/model/cluster.js';
import { parseIPv4 } from '../../src/model/ipv4.js';

/** Parses dotted-quad text or fails the test setup loudly. */
export function ip(text: string): number {
  const v = parseIPv4(text);
  if (v === null) throw new Error(`test setup: bad IPv4 address ${text}`);
  return v;
}

/** Endpoint fields a test may set; `ip` is text. */
export interface EndpointSpec {
  ip: string;
  port: number;
  weight?: number;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** An endpoint with weight 1, ready, serving and not terminating unless said otherwise. */
export function makeEndpoint(spec: EndpointSpec): Endpoint {
  return {
    ip: ip(spec.ip),
    port: spec.port,
    weight: spec.weight ?? 1,
    ready: spec.ready ?? true,
    serving: spec.serving ?? true,
    terminating: spec.terminating ?? false,
  };
}

/** Service fields a test may set; `clusterIP` is text, endpoints are specs or built endpoints. */
export interface ServiceSpec {
  name: string;
  clusterIP: string;
  port: number;
  protocol?: Protocol;
  nodePort?: number | null;
  affinityTimeout?: number | null;
  endpoints?: readonly (EndpointSpec | Endpoint)[];
}

function isBuilt(e: EndpointSpec | Endpoint): e is Endpoint {
  return typeof e.ip === 'number';
}

/** A TCP service port without NodePort, affinity or IPVS settings unless said otherwise. */
export function makeService(spec: ServiceSpec): Service {
  return {
    name: spec.name,
    clusterIP: ip(spec.clusterIP),
    port: spec.port,
    protocol: spec.protocol ?? 'tcp',
    nodePort: spec.nodePort ?? null,
    affinityTimeout: spec.affinityTimeout ?? null,
    ipvs: null,
    endpoints: (spec.endpoints ?? []).map((e) => (isBuilt(e) ? e : makeEndpoint(e))),
  };
}

/** A cluster; `podCIDR` is `a.b.c.d/len` text, null or absent for none. */
export function makeCluster(services: readonly Service[], opts: { podCIDR?: string | null; nodeIPs?: readonly string[] } = {}): Cluster {
  let podCIDR: Cluster['podCIDR'] = null;
  if (opts.podCIDR) {
    const [net, len] = opts.podCIDR.split('/');
    podCIDR = { net: ip(net!), prefix: Number(len) };
  }
  return { podCIDR, nodeIPs: (opts.nodeIPs ?? []).map(ip), services };
}
