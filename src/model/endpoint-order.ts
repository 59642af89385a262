// kube-proxy's endpoint order (dataplane.md 2.3), shared by every engine image and ruleset writer:
// programmed endpoints sorted by their `IP:port` string (Go string order, so 10.244.1.10 sorts
// before 10.244.1.9). kube-proxy keys endpoints by that string, so a repeated `IP:port` is
// programmed once: the first one listed.

import { isProgrammed, type Endpoint, type Service } from './cluster.js';
import { formatIPv4 } from './ipv4.js';

/** kube-proxy's endpoint string for IPv4, `IP:port`: the sort key and the chain-name hash input. */
export function endpointString(ep: Endpoint): string {
  return `${formatIPv4(ep.ip)}:${ep.port}`;
}

/** Indices into `svc.endpoints` of its programmed endpoints, in kube-proxy's order. */
export function kubeProxyEndpointOrder(svc: Service): number[] {
  const keyed: Array<{ index: number; key: string }> = [];
  svc.endpoints.forEach((ep, index) => {
    if (isProgrammed(ep)) keyed.push({ index, key: endpointString(ep) });
  });
  // Array sort is stable: among equal keys the first listed stays first and the rest are dropped.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.filter((k, i) => i === 0 || k.key !== keyed[i - 1]!.key).map((k) => k.index);
}
