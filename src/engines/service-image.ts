// The service image the nftables and userspace WASM engines load: a service record per service port
// and each service's programmed endpoints in kube-proxy's order. Mirrors wasm/assembly/maps/layout.ts
// (a test checks the strides against the module's exports).

import { PROTOCOL_NUMBER, type Cluster } from '../model/cluster.js';
import { kubeProxyEndpointOrder } from '../model/endpoint-order.js';
import { copyIn, type ArenaExports } from './flow-batch.js';

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
  const orders = cluster.services.map(kubeProxyEndpointOrder);
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

/** A cluster's service image in WASM memory: what nftLoad and usLoad take. */
export interface LoadedServiceImage {
  readonly services: number;
  readonly serviceCount: number;
  readonly endpoints: number;
  readonly nodeIps: number;
  readonly nodeCount: number;
}

/** Encodes `cluster` and copies its image into the instance's memory. */
export function copyServiceImage(x: ArenaExports, cluster: Cluster): LoadedServiceImage {
  const image = encodeServiceImage(cluster);
  return {
    services: copyIn(x, image.services),
    serviceCount: image.serviceCount,
    endpoints: copyIn(x, image.endpoints),
    nodeIps: copyIn(x, new Uint8Array(image.nodeIps.buffer, image.nodeIps.byteOffset, image.nodeIps.byteLength)),
    nodeCount: image.nodeIps.length,
  };
}
