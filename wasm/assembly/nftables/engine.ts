// kube-proxy's nftables dataplane for one new flow (dataplane.md 3): the `service-ips` verdict map,
// `service-nodeports` when the destination is a local address, the service chain's affinity tests
// in endpoint order, then `numgen random mod n` (⌊r·n/2^32⌋, nft_numgen.c reciprocal_scale).
//
// Work (SPEC 5 `rules` column) = map lookups: 1 for (daddr, proto, dport), +1 when service-nodeports
// is consulted, +1 per affinity set tested. kube-proxy's `no-endpoint-services` and
// `no-endpoint-nodeports` maps hold exactly the keys of services without endpoints, disjoint from
// `service-ips` / `service-nodeports`, so each pair is stored as one table and counted as one lookup.
// The `update @affinity` write is not a lookup. src/engines/reference/nftables.ts states the same.

import { drawRandom } from '../random';
import {
  FLOW_DST_IP, FLOW_DST_PORT, FLOW_INDEX, FLOW_PROTO, FLOW_SRC_IP, FLOW_START,
  NO_ENDPOINT, RESULT_ENDPOINT, RESULT_EXTRA, RESULT_VERDICT, RESULT_WORK,
  VERDICT_DNAT, VERDICT_NOMATCH, VERDICT_REJECT,
} from '../layout';
import { ClientTable } from '../maps/client-table';
import { KeyMap } from '../maps/key-map';
import {
  EP_ID, EP_STRIDE, KEY_EMPTY, portKey, SVC_AFFINITY, SVC_CLUSTER_IP, SVC_EP_COUNT, SVC_EP_FIRST,
  SVC_NODE_PORT_KEY, SVC_PORT_KEY, SVC_STRIDE,
} from '../maps/layout';

/** The loaded image and state of one nftables dataplane (one per WASM instance). */
@final
export class NftablesDataplane {
  /** service-ips ∪ no-endpoint-services: (clusterIP, portKey) → service. */
  serviceIps: KeyMap;
  /** service-nodeports ∪ no-endpoint-nodeports: (0, nodePortKey) → service. */
  nodePorts: KeyMap;
  /** Every endpoint's `affinity-…` set: (endpoint slot, client) → expiry. */
  affinity: ClientTable = new ClientTable();

  constructor(
    public services: usize,
    public serviceCount: u32,
    public endpoints: usize,
    public nodeIps: usize,
    public nodeIpCount: u32,
    public decisionKey: u32,
  ) {
    this.serviceIps = new KeyMap(serviceCount);
    this.nodePorts = new KeyMap(serviceCount);
    // Two passes: a key of a service with endpoints lives in service-ips, which the packet meets
    // first; the no-endpoint maps only answer what service-ips did not.
    for (let pass = 0; pass < 2; pass++) {
      for (let s: u32 = 0; s < serviceCount; s++) {
        const p = services + <usize>s * SVC_STRIDE;
        if ((load<u32>(p + SVC_EP_COUNT) > 0) != (pass == 0)) continue;
        this.serviceIps.insertIfAbsent(load<u32>(p + SVC_CLUSTER_IP), load<u32>(p + SVC_PORT_KEY), <i32>s);
        const np = load<u32>(p + SVC_NODE_PORT_KEY);
        if (np != 0) this.nodePorts.insertIfAbsent(0, np, <i32>s);
      }
    }
  }

  /** `fib daddr type local ip daddr != 127.0.0.0/8`: a node address outside loopback. */
  // @ts-ignore: decorator
  @inline isLocal(ip: u32): bool {
    if (ip >>> 24 == 127) return false;
    for (let i: u32 = 0; i < this.nodeIpCount; i++) {
      if (load<u32>(this.nodeIps + (<usize>i << 2)) == ip) return true;
    }
    return false;
  }

  // @ts-ignore: decorator
  @inline hasEndpoints(s: i32): bool {
    return load<u32>(this.services + <usize>s * SVC_STRIDE + SVC_EP_COUNT) > 0;
  }

  /** Decides the flow at `f` into the result record at `r`. */
  decide(f: usize, r: usize): void {
    const key = portKey(<u32>load<u8>(f + FLOW_PROTO), <u32>load<u16>(f + FLOW_DST_PORT));
    const dst = load<u32>(f + FLOW_DST_IP);
    let work: u32 = 1;
    let svc = this.serviceIps.find(dst, key);
    let rejected = false;
    if (svc == KEY_EMPTY || !this.hasEndpoints(svc)) {
      if (svc != KEY_EMPTY) rejected = true;
      svc = KEY_EMPTY;
      if (this.isLocal(dst)) {
        work++;
        const np = this.nodePorts.find(0, key);
        if (np != KEY_EMPTY) {
          if (this.hasEndpoints(np)) svc = np;
          else rejected = true;
        }
      }
    }
    if (svc == KEY_EMPTY) {
      store<u32>(r + RESULT_VERDICT, rejected ? VERDICT_REJECT : VERDICT_NOMATCH);
      store<i32>(r + RESULT_ENDPOINT, NO_ENDPOINT);
      store<u32>(r + RESULT_WORK, work);
      store<u32>(r + RESULT_EXTRA, 0);
      return;
    }
    const p = this.services + <usize>svc * SVC_STRIDE;
    const first = load<u32>(p + SVC_EP_FIRST);
    const n = load<u32>(p + SVC_EP_COUNT);
    const timeout = load<f64>(p + SVC_AFFINITY);
    const src = load<u32>(f + FLOW_SRC_IP);
    const now = load<f64>(f + FLOW_START);
    let e: u32 = n; // n = none yet
    if (timeout >= 0) {
      for (let j: u32 = 0; j < n; j++) {
        work++;
        if (this.affinity.find(first + j, src, now) != 0) {
          e = j;
          break;
        }
      }
    }
    if (e == n) {
      const rnd = drawRandom(this.decisionKey, load<u32>(f + FLOW_INDEX), 0);
      e = <u32>((<u64>rnd * <u64>n) >> 32);
    }
    if (timeout >= 0) this.affinity.put(first + e, src, now, now + timeout, 0);
    store<u32>(r + RESULT_VERDICT, VERDICT_DNAT);
    store<i32>(r + RESULT_ENDPOINT, load<i32>(this.endpoints + <usize>(first + e) * EP_STRIDE + EP_ID));
    store<u32>(r + RESULT_WORK, work);
    store<u32>(r + RESULT_EXTRA, 0);
  }
}
