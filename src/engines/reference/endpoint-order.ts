// kube-proxy's endpoint order for the reference engines, written apart from the WASM image encoder:
// programmed endpoints (ready, not terminating) sorted by the bytes of "IP:port" (Go string order);
// kube-proxy keys endpoints by that string, so a repeated "IP:port" counts once (the first listed).

import { isProgrammed, type Service } from '../../model/cluster.js';
import { formatIPv4 } from '../../model/ipv4.js';

/** Indices into `svc.endpoints` of its programmed endpoints, in kube-proxy's order. */
export function referenceEndpointOrder(svc: Service): number[] {
  const text = (i: number): Buffer => {
    const ep = svc.endpoints[i]!;
    return Buffer.from(`${formatIPv4(ep.ip)}:${ep.port}`, 'latin1');
  };
  return svc.endpoints
    .map((_, i) => i)
    .filter((i) => isProgrammed(svc.endpoints[i]!))
    .sort((a, b) => Buffer.compare(text(a), text(b)) || a - b)
    .filter((i, k, sorted) => k === 0 || Buffer.compare(text(i), text(sorted[k - 1]!)) !== 0);
}
