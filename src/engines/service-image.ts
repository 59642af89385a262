// The service image the nftables and userspace WASM engines load: a service record per service port
// and each service's programmed endpoints in kube-proxy's order. Mirrors wasm/assembly/maps/layout.ts
// (a test checks the strides against the module's exports).

import { PROTOCOL_NUMBER, isProgrammed, type Cluster, type Endpoint, type Service } from '../model/cluster.js';
import { formatIPv4 } from '../model/ipv4.js';

/** Bytes per service record. */
export const SVC_STRIDE = 32;
/** Byte offsets inside a service record. */
export const SVC_CLUSTER_IP = 0;
export const SVC_PORT_KEY = 4;
export const SVC_NODE_PORT_KEY = 8;
export const SVC_EP_FIRST = 12;
export const SVC_EP_COUNT = 16;
export const SVC_RR_INDEX = 20;
export const SVC_AFFINITY = 24;
/** Bytes per endpoint record. */
export const EP_STRIDE = 8;
/** Byte offsets inside an endpoint record. */
export const EP_ID = 0;
export const EP_SERVING = 4;

/** Status codes of the nftables and userspace entry points. */
export const ServiceImageStatus = { OK: 0, NOT_LOADED: 1, ARGUMENT: 2 } as const;

/** kube-proxy's endpoint string for IPv4, `IP:port`: also its sort key (dataplane.md 2.3). */
export function endpointKey(ep: Endpoint): string {
  return `${formatIPv4(ep.ip)}:${ep.port}`;
}

/**
 * Indices (into `svc.endpoints`) of the endpoints nftables and userspace program — ready and not
 * terminating — in kube-proxy's order: lexicographic on `IP:port` (so 10.0.0.10 < 10.0.0.9).
 * Equal strings keep scenario order.
 */
export function programmedEndpointOrder(svc: Service): number[] {
  const keyed: { index: number; key: string }[] = [];
  svc.endpoints.forEach((ep, index) => {
    if (isProgrammed(ep)) keyed.push({ index, key: endpointKey(ep) });
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.index);
}

/** A cluster encoded for the nftables/userspace engines. */
export interface ServiceImage {
  readonly serviceCount: number;
  readonly endpointCount: number;
  /** `serviceCount` service records. */
  readonly services: Uint8Array;
  /** `endpointCount` endpoint records, grouped per service in kube-proxy order. */
  readonly endpoints: Uint8Array;
  readonly nodeIps: Uint32Array;
}

/** Encodes `cluster`: endpoints are reported by global id (`endpointOffsets`). */
export function encodeServiceImage(cluster: Cluster): ServiceImage {
  const orders = cluster.services.map(programmedEndpointOrder);
  const endpointCount = orders.reduce((a, o) => a + o.length, 0);
  const services = new Uint8Array(Math.max(1, cluster.services.length) * SVC_STRIDE);
  const endpoints = new Uint8Array(Math.max(1, endpointCount) * EP_STRIDE);
  const sv = new DataView(services.buffer);
  const ev = new DataView(endpoints.buffer);
  let globalBase = 0;
  let slot = 0;
  cluster.services.forEach((svc, s) => {
    const order = orders[s]!;
    const p = s * SVC_STRIDE;
    const proto = PROTOCOL_NUMBER[svc.protocol];
    sv.setUint32(p + SVC_CLUSTER_IP, svc.clusterIP, true);
    sv.setUint32(p + SVC_PORT_KEY, ((proto << 16) | svc.port) >>> 0, true);
    sv.setUint32(p + SVC_NODE_PORT_KEY, svc.nodePort === null ? 0 : ((proto << 16) | svc.nodePort) >>> 0, true);
    sv.setUint32(p + SVC_EP_FIRST, slot, true);
    sv.setUint32(p + SVC_EP_COUNT, order.length, true);
    sv.setFloat64(p + SVC_AFFINITY, svc.affinityTimeout ?? -1, true);
    for (const e of order) {
      ev.setUint32(slot * EP_STRIDE + EP_ID, globalBase + e, true);
      ev.setUint32(slot * EP_STRIDE + EP_SERVING, svc.endpoints[e]!.serving ? 1 : 0, true);
      slot++;
    }
    globalBase += svc.endpoints.length;
  });
  return { serviceCount: cluster.services.length, endpointCount, services, endpoints, nodeIps: Uint32Array.from(cluster.nodeIPs) };
}
