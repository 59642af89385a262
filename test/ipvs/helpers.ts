// Builders and engine factories shared by the IPVS tests.

import type { Cluster, Endpoint, IpvsFlag, Protocol, SchedulerName, Service } from '../../src/model/cluster.js';
import type { Decision, Flow } from '../../src/model/flow.js';
import { parseIPv4 } from '../../src/model/ipv4.js';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import { IpvsReferenceEngine } from '../../src/engines/reference/ipvs.js';
import type { DecisionEngine } from '../../src/engines/engine.js';

export const ip = (s: string): number => parseIPv4(s)!;

/** An endpoint with defaults. */
export function ep(addr: string, o: Partial<Omit<Endpoint, 'ip'>> = {}): Endpoint {
  return { ip: ip(addr), port: o.port ?? 8080, weight: o.weight ?? 1, ready: o.ready ?? true, serving: o.serving ?? true, terminating: o.terminating ?? false };
}

/** A service with defaults (ClusterIP 10.96.0.10:80/tcp). */
export function svc(endpoints: Endpoint[], o: {
  name?: string; clusterIP?: string; port?: number; protocol?: Protocol; nodePort?: number | null;
  affinity?: number | null; scheduler?: SchedulerName; flags?: IpvsFlag[];
} = {}): Service {
  return {
    name: o.name ?? 'demo/web:http',
    clusterIP: ip(o.clusterIP ?? '10.96.0.10'),
    port: o.port ?? 80,
    protocol: o.protocol ?? 'tcp',
    nodePort: o.nodePort ?? null,
    affinityTimeout: o.affinity ?? null,
    ipvs: o.scheduler === undefined && o.flags === undefined ? null : { scheduler: o.scheduler ?? 'rr', flags: o.flags ?? [] },
    endpoints,
  };
}

export function cluster(services: Service[], nodeIPs: string[] = []): Cluster {
  return { podCIDR: null, nodeIPs: nodeIPs.map(ip), services };
}

let flowIndex = 0;
/** A TCP flow to 10.96.0.10:80 from `src`. */
export function flow(start: number, src: string | number, o: Partial<Omit<Flow, 'index' | 'start' | 'src'>> = {}): Flow {
  return {
    index: flowIndex++,
    start,
    src: typeof src === 'number' ? src : ip(src),
    sport: o.sport ?? 40000,
    dst: o.dst ?? ip('10.96.0.10'),
    dport: o.dport ?? 80,
    proto: o.proto ?? 'tcp',
    duration: o.duration ?? 1,
  };
}

export type EngineKind = 'reference' | 'scalar' | 'simd';
export const ENGINE_KINDS: readonly EngineKind[] = ['reference', 'scalar', 'simd'];

export interface EngineOptions {
  scheduler?: SchedulerName;
  tcpFinTimeout?: number;
  udpTimeout?: number;
}

/** Small wheel for tests: 2^12 slots of 1/64 s (64 s per revolution), so revolutions get exercised. */
export const TEST_WHEEL = { tickBits: 6, slotBits: 12 } as const;

export function makeEngine(kind: EngineKind, c: Cluster, o: EngineOptions = {}): DecisionEngine {
  const opts = {
    ...(o.scheduler !== undefined ? { scheduler: o.scheduler } : {}),
    ...(o.tcpFinTimeout !== undefined ? { tcpFinTimeout: o.tcpFinTimeout } : {}),
    ...(o.udpTimeout !== undefined ? { udpTimeout: o.udpTimeout } : {}),
  };
  if (kind === 'reference') return new IpvsReferenceEngine(c, opts);
  return new IpvsWasmEngine(c, { ...opts, build: kind, wheel: TEST_WHEEL, connectionCapacity: 64, batchSize: 64 });
}

/** Endpoint ids picked, -1 for no endpoint. */
export const endpoints = (ds: readonly Decision[]): number[] => ds.map((d) => d.endpoint);

/** Per-destination counts of the first virtual service (list order), from either engine. */
export function destCounts(e: DecisionEngine, c: Cluster, vs = 0): Array<{ endpoint: number; active: number; inactive: number; weight: number }> {
  if (e instanceof IpvsWasmEngine) return e.destinationCounts(vs);
  const s = c.services[0]!;
  return (e as IpvsReferenceEngine).destinationCounts(s.protocol === 'udp' ? 17 : 6, s.clusterIP, s.port);
}

/** dh/sh/mh table of the first service's ClusterIP virtual service, as endpoint ids. */
export function schedTable(e: DecisionEngine, c: Cluster): number[] {
  if (e instanceof IpvsWasmEngine) return e.schedulerTable(0);
  const s = c.services[0]!;
  return (e as IpvsReferenceEngine).schedulerTable(s.protocol === 'udp' ? 17 : 6, s.clusterIP, s.port);
}

/** How many buckets each endpoint id holds. */
export function bucketCounts(table: readonly number[], endpointIds: readonly number[]): number[] {
  return endpointIds.map((id) => table.filter((x) => x === id).length);
}
