// Seeded synthetic clusters: N service ports with E endpoints each, as a big real cluster looks
// (ClusterIPs from 10.96.0.0/12, pods from the pod CIDR), producing the same model as a scenario.

import { DEFAULT_AFFINITY_TIMEOUT, type Cluster, type Endpoint, type Protocol, type Service } from '../model/cluster.js';
import { KpbenchError } from '../errors.js';
import { drawRandom, RandomDomain, streamKey } from './counter-random.js';

/** An inclusive integer range; a fixed value has lo = hi. */
export interface IntRange {
  readonly lo: number;
  readonly hi: number;
}

/** Parameters of a synthetic cluster. */
export interface SyntheticClusterOptions {
  /** Service ports N. */
  readonly services: number;
  /** Endpoints per service (uniform in the range). @default 3 */
  readonly endpoints?: IntRange;
  /** Endpoint weights (uniform in the range). @default 1 */
  readonly weights?: IntRange;
  /** Fraction of services that also have a NodePort. @default 0 */
  readonly nodePortFraction?: number;
  /** Fraction of services with ClientIP affinity. @default 0 */
  readonly affinityFraction?: number;
  /** Fraction of UDP services (the rest TCP). @default 0 */
  readonly udpFraction?: number;
  /** Fraction of endpoints that are programmed but dead (`serving: false`). @default 0 */
  readonly deadFraction?: number;
  readonly seed: number;
}

/** Largest N the synthetic addressing scheme holds (ClusterIPs in 10.96.0.0/12 minus the first /16). */
export const MAX_SYNTHETIC_SERVICES = 1_000_000;
/** Pod addresses available for endpoints in 10.244.0.0 … 10.249.255.255. */
export const MAX_SYNTHETIC_ENDPOINTS = 6 * 65536 - 4096;

/** Node address of synthetic clusters (RFC 5737 documentation range). */
export const SYNTHETIC_NODE_IP = (192 << 24 | 0 << 16 | 2 << 8 | 10) >>> 0;
/** Pod CIDR of synthetic clusters, 10.240.0.0/12: endpoints from 10.244.0.2 upwards, clients from 10.250.0.0. */
export const SYNTHETIC_POD_CIDR = { net: (10 << 24 | 240 << 16) >>> 0, prefix: 12 } as const;
const POD_BASE = (10 << 24 | 244 << 16) >>> 0;
/** First ClusterIP used: 10.96.1.0 (10.96.0.x holds kubernetes and kube-dns in real clusters). */
const CLUSTER_IP_BASE = (10 << 24 | 96 << 16 | 1 << 8) >>> 0;
const NODE_PORT_BASE = 30000;
const NODE_PORT_COUNT = 2768;
const SERVICE_PORTS: readonly number[] = [80, 443, 8080, 53, 9090, 6379, 5432, 3306];

function pick(key: number, item: number, draw: number, range: IntRange): number {
  if (range.lo === range.hi) return range.lo;
  const span = range.hi - range.lo + 1;
  return range.lo + Math.floor((drawRandom(key, item, draw) / 2 ** 32) * span);
}

function chance(key: number, item: number, draw: number, p: number): boolean {
  return p > 0 && drawRandom(key, item, draw) / 2 ** 32 < p;
}

/**
 * Generates a synthetic cluster. Services are laid out in address order and then shuffled with the
 * seed, since kube-proxy's KUBE-SERVICES order is a Go map's (SPEC 2.1).
 * @throws {KpbenchError} KPB_ERR_LIMIT when N or the endpoint total exceed the addressing scheme.
 */
export function syntheticCluster(o: SyntheticClusterOptions): Cluster {
  const epRange = o.endpoints ?? { lo: 3, hi: 3 };
  const weights = o.weights ?? { lo: 1, hi: 1 };
  if (!Number.isInteger(o.services) || o.services < 0 || o.services > MAX_SYNTHETIC_SERVICES) {
    throw new KpbenchError('KPB_ERR_LIMIT', `services: ${o.services} is outside 0…${MAX_SYNTHETIC_SERVICES}; use a smaller --services`);
  }
  const key = streamKey(o.seed >>> 0, RandomDomain.CLUSTER);
  const counts = Array.from({ length: o.services }, (_, i) => pick(key, i, 0, epRange));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_SYNTHETIC_ENDPOINTS) {
    throw new KpbenchError('KPB_ERR_LIMIT', `endpoints: ${total} in all exceeds ${MAX_SYNTHETIC_ENDPOINTS}; use fewer --services or --endpoints`);
  }
  const services: Service[] = new Array<Service>(o.services);
  let nextPod = POD_BASE + 2;
  let nodePorts = 0;
  for (let i = 0; i < o.services; i++) {
    const port = SERVICE_PORTS[i % SERVICE_PORTS.length]!;
    const protocol: Protocol = chance(key, i, 1, o.udpFraction ?? 0) ? 'udp' : 'tcp';
    const endpoints: Endpoint[] = [];
    for (let e = 0; e < counts[i]!; e++) {
      if ((nextPod & 0xff) === 0xff) nextPod += 3; // skip .255, .0 and .1 of each /24
      endpoints.push({
        ip: nextPod++ >>> 0,
        port: port === 80 ? 8080 : port,
        weight: pick(key, i, 16 + e, weights),
        ready: true,
        serving: !chance(key, i, 4096 + e, o.deadFraction ?? 0),
        terminating: false,
      });
    }
    const hasNodePort = nodePorts < NODE_PORT_COUNT && chance(key, i, 2, o.nodePortFraction ?? 0);
    services[i] = {
      name: `ns-${i % 97}/svc-${i}:p${port}`,
      clusterIP: (CLUSTER_IP_BASE + i) >>> 0,
      port,
      protocol,
      nodePort: hasNodePort ? NODE_PORT_BASE + nodePorts++ : null,
      affinityTimeout: chance(key, i, 3, o.affinityFraction ?? 0) ? DEFAULT_AFFINITY_TIMEOUT : null,
      ipvs: null,
      endpoints,
    };
  }
  for (let i = services.length - 1; i > 0; i--) {
    const j = Math.floor((drawRandom(key, 0x7fffffff - i, 5) / 2 ** 32) * (i + 1));
    [services[i], services[j]] = [services[j]!, services[i]!];
  }
  return { podCIDR: SYNTHETIC_POD_CIDR, nodeIPs: [SYNTHETIC_NODE_IP], services };
}
