// kube-proxy's nftables object names (dataplane.md 3): `hashAndTruncate(base)` = the first 8
// characters of base32(SHA-256(base)), "-", then the base, cut to 240 characters with "...".

import { hash16 } from '../iptables/names.js';
import type { Endpoint, Service } from '../model/cluster.js';
import { formatIPv4 } from '../model/ipv4.js';

/** Longest name hashAndTruncate returns, leaving room for the `external-` style prefixes. */
export const NAME_LENGTH_LIMIT = 240;

/** First 8 characters of RFC 4648 base32(SHA-256(s)): the prefix of iptables' 16-character hash. */
export function hash8(s: string): string {
  return hash16(s).slice(0, 8);
}

/** `HASH8-name`, truncated to NAME_LENGTH_LIMIT characters ending in "..." when longer. */
export function hashAndTruncate(name: string): string {
  const full = `${hash8(name)}-${name}`;
  return full.length > NAME_LENGTH_LIMIT ? full.slice(0, NAME_LENGTH_LIMIT - 3) + '...' : full;
}

/** `namespace/name/protocol/portName`, from a service name `namespace/name[:portName]`. */
export function serviceBase(svc: Service): string {
  const colon = svc.name.indexOf(':');
  const nsName = colon < 0 ? svc.name : svc.name.slice(0, colon);
  const portName = colon < 0 ? '' : svc.name.slice(colon + 1);
  return `${nsName}/${svc.protocol}/${portName}`;
}

/** `<service base>__IP/port`. */
export function endpointBase(svc: Service, ep: Endpoint): string {
  return `${serviceBase(svc)}__${formatIPv4(ep.ip)}/${ep.port}`;
}

/** The names of one service port's objects. */
export interface ServiceNames {
  readonly service: string;
  readonly external: string;
}

/** `service-…` and `external-…` chain names of a service port. */
export function serviceNames(svc: Service): ServiceNames {
  const h = hashAndTruncate(serviceBase(svc));
  return { service: `service-${h}`, external: `external-${h}` };
}

/** The names of one endpoint's objects. */
export interface EndpointNames {
  readonly endpoint: string;
  readonly affinity: string;
}

/** `endpoint-…` chain and `affinity-…` set names of an endpoint. */
export function endpointNames(svc: Service, ep: Endpoint): EndpointNames {
  const h = hashAndTruncate(endpointBase(svc, ep));
  return { endpoint: `endpoint-${h}`, affinity: `affinity-${h}` };
}
