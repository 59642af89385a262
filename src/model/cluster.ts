// The one cluster model every engine compiles from (DESIGN.md decision 1): services, their
// endpoints and the node, already validated and in scenario order.

/** Transport protocol of a service port. */
export type Protocol = 'tcp' | 'udp' | 'sctp';

/** IANA protocol numbers, as they appear in packets and in the packed engine images. */
export const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { tcp: 6, udp: 17, sctp: 132 };

/** IPVS scheduler names, exactly as ipvsadm and kube-proxy spell them. */
export type SchedulerName = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sed' | 'nq' | 'dh' | 'sh' | 'mh';

/** Every scheduler, in the stable order used for ids and reports. */
export const SCHEDULER_NAMES: readonly SchedulerName[] = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'dh', 'sh', 'mh'];

/** IPVS per-service scheduler flags (ipvsadm `-b`). */
export type IpvsFlag = 'sh-port' | 'sh-fallback' | 'mh-port' | 'mh-fallback';

/** An IPv4 prefix; `net` is already masked. Addresses are unsigned 32-bit integers (a·2^24+b·2^16+c·2^8+d). */
export interface Cidr {
  readonly net: number;
  readonly prefix: number;
}

/** One backend of a service port. */
export interface Endpoint {
  readonly ip: number;
  readonly port: number;
  /** IPVS weight, 0…65535. @default 1 */
  readonly weight: number;
  /** Only ready endpoints are programmed. @default true */
  readonly ready: boolean;
  /** false: the pod died but is still programmed, so connections sent to it fail. @default true */
  readonly serving: boolean;
  /** Being drained: IPVS keeps it with weight 0, the other modes do not program it. @default false */
  readonly terminating: boolean;
}

/** One service port (kube-proxy's ServicePortName), with its endpoints in scenario order. */
export interface Service {
  /** `namespace/name` or `namespace/name:portName`. */
  readonly name: string;
  readonly clusterIP: number;
  readonly port: number;
  readonly protocol: Protocol;
  readonly nodePort: number | null;
  /** ClientIP affinity timeout in seconds, or null without affinity. */
  readonly affinityTimeout: number | null;
  readonly ipvs: { readonly scheduler: SchedulerName; readonly flags: readonly IpvsFlag[] } | null;
  readonly endpoints: readonly Endpoint[];
}

/** A whole cluster as one node's kube-proxy sees it. */
export interface Cluster {
  readonly podCIDR: Cidr | null;
  readonly nodeIPs: readonly number[];
  readonly services: readonly Service[];
}

/** Default ClientIP affinity timeout (kube-proxy, API default). */
export const DEFAULT_AFFINITY_TIMEOUT = 10800;

/**
 * Global endpoint ids: endpoint `e` of service `s` is `offsets[s] + e`; `offsets[services.length]`
 * is the total. Engines report endpoints by this id.
 */
export function endpointOffsets(cluster: Cluster): Uint32Array {
  const offsets = new Uint32Array(cluster.services.length + 1);
  cluster.services.forEach((s, i) => {
    offsets[i + 1] = offsets[i]! + s.endpoints.length;
  });
  return offsets;
}

/**
 * Whether iptables, nftables and userspace program this endpoint: ready and not terminating
 * (SPEC 2.1). IPVS additionally keeps terminating TCP endpoints at weight 0.
 */
export function isProgrammed(ep: Endpoint): boolean {
  return ep.ready && !ep.terminating;
}
