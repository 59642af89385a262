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
import {
  BM_V0, BM_V1, EP_ID, EP_STRIDE, portKey, SVC_AFFINITY, SVC_CLUSTER_IP, SVC_EP_COUNT, SVC_EP_FIRST,
  SVC_NODE_PORT_KEY, SVC_PORT_KEY, SVC_STRIDE,
} from '../maps/layout';
import { BucketMap } from '../maps/bucket-map';

// A verdict-map slot (maps/bucket-map.ts) holds what the common path needs after the key compare,
// so a new flow reads one bucket line and one endpoint id, no service record in between:
//   v0 = the service's first endpoint slot;
//   v1 bit 31 clear: no affinity, v1 = endpoint count (0 = no endpoints: the no-endpoint map's reject);
//   v1 bit 31 set: ClientIP affinity, bits 0-30 = service index (the affinity path reads the count
//   and timeout from the service record; it probes the affinity sets anyway).
// At N = 10,000 service ports: 4,096 buckets × 64 B = 256 KB plus 120 KB of ids, within a 512 KB L2.
const VM_FIRST = BM_V0;
const VM_META = BM_V1;
const VM_AFFINITY: u32 = 0x8000_0000;

/** The loaded image and state of one nftables dataplane (one per WASM instance). */
@final
export class NftablesDataplane {
  /** service-ips ∪ no-endpoint-services: (clusterIP, portKey) → verdict slot. */
  serviceIps: BucketMap;
  /** service-nodeports ∪ no-endpoint-nodeports: (0, nodePortKey) → verdict slot. */
  nodePorts: BucketMap;
  /** Every endpoint's `affinity-…` set: (endpoint slot, client) → expiry. */
  affinity: ClientTable = new ClientTable();
  /** Global endpoint id per endpoint slot (u32 each): the image's endpoint records without `serving`. */
  ids: usize;

  constructor(
    public services: usize,
    public serviceCount: u32,
    endpoints: usize,
    public nodeIps: usize,
    public nodeIpCount: u32,
    public decisionKey: u32,
  ) {
    this.serviceIps = new BucketMap(serviceCount);
    this.nodePorts = new BucketMap(serviceCount);
    this.ids = NftablesDataplane.endpointIds(services, serviceCount, endpoints);
    // Two passes: a key of a service with endpoints lives in service-ips, which the packet meets
    // first; the no-endpoint maps only answer what service-ips did not.
    for (let pass = 0; pass < 2; pass++) {
      for (let s: u32 = 0; s < serviceCount; s++) {
        const p = services + <usize>s * SVC_STRIDE;
        const n = load<u32>(p + SVC_EP_COUNT);
        if ((n > 0) != (pass == 0)) continue;
        const first = load<u32>(p + SVC_EP_FIRST);
        const meta = n > 0 && load<f64>(p + SVC_AFFINITY) >= 0 ? VM_AFFINITY | s : n;
        this.serviceIps.insertIfAbsent(load<u32>(p + SVC_CLUSTER_IP), load<u32>(p + SVC_PORT_KEY), first, meta);
        const np = load<u32>(p + SVC_NODE_PORT_KEY);
        if (np != 0) this.nodePorts.insertIfAbsent(0, np, first, meta);
      }
    }
  }

  /** Copies the ids of the image's endpoint records into a dense u32 array. Allocates. */
  private static endpointIds(services: usize, serviceCount: u32, endpoints: usize): usize {
    let slots: u32 = 0;
    for (let s: u32 = 0; s < serviceCount; s++) {
      const p = services + <usize>s * SVC_STRIDE;
      const end = load<u32>(p + SVC_EP_FIRST) + load<u32>(p + SVC_EP_COUNT);
      if (end > slots) slots = end;
    }
    const ids = heap.alloc(<usize>max<u32>(slots, 1) << 2);
    for (let e: u32 = 0; e < slots; e++) {
      store<u32>(ids + (<usize>e << 2), load<u32>(endpoints + <usize>e * EP_STRIDE + EP_ID));
    }
    return ids;
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

  /** Decides the flow at `f` into the result record at `r`. */
  // @ts-ignore: decorator
  @inline decide(f: usize, r: usize): void {
    const key = portKey(<u32>load<u8>(f + FLOW_PROTO), <u32>load<u16>(f + FLOW_DST_PORT));
    const dst = load<u32>(f + FLOW_DST_IP);
    let work: u32 = 1;
    let slot = this.serviceIps.find(dst, key);
    let meta: u32 = slot != 0 ? load<u32>(slot + VM_META) : 0;
    let rejected = false;
    if (meta == 0) { // absent, or a service without endpoints
      rejected = slot != 0;
      slot = 0;
      if (this.isLocal(dst)) {
        work++;
        const np = this.nodePorts.find(0, key);
        if (np != 0) {
          meta = load<u32>(np + VM_META);
          if (meta != 0) slot = np;
          else rejected = true;
        }
      }
    }
    if (slot == 0) {
      store<u32>(r + RESULT_VERDICT, rejected ? VERDICT_REJECT : VERDICT_NOMATCH);
      store<i32>(r + RESULT_ENDPOINT, NO_ENDPOINT);
      store<u32>(r + RESULT_WORK, work);
      store<u32>(r + RESULT_EXTRA, 0);
      return;
    }
    const first = load<u32>(slot + VM_FIRST);
    let e: u32;
    if ((meta & VM_AFFINITY) == 0) {
      e = <u32>((<u64>drawRandom(this.decisionKey, load<u32>(f + FLOW_INDEX), 0) * <u64>meta) >> 32);
    } else {
      const p = this.services + <usize>(meta & ~VM_AFFINITY) * SVC_STRIDE;
      const n = load<u32>(p + SVC_EP_COUNT);
      const timeout = load<f64>(p + SVC_AFFINITY);
      const src = load<u32>(f + FLOW_SRC_IP);
      const now = load<f64>(f + FLOW_START);
      e = n; // n = none yet
      for (let j: u32 = 0; j < n; j++) {
        work++;
        if (this.affinity.find(first + j, src, now) != 0) {
          e = j;
          break;
        }
      }
      if (e == n) {
        const rnd = drawRandom(this.decisionKey, load<u32>(f + FLOW_INDEX), 0);
        e = <u32>((<u64>rnd * <u64>n) >> 32);
      }
      this.affinity.put(first + e, src, now, now + timeout, 0);
    }
    store<u32>(r + RESULT_VERDICT, VERDICT_DNAT);
    store<i32>(r + RESULT_ENDPOINT, load<i32>(this.ids + (<usize>(first + e) << 2)));
    store<u32>(r + RESULT_WORK, work);
    store<u32>(r + RESULT_EXTRA, 0);
  }
}
