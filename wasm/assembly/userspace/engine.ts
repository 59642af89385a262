// The legacy userspace proxy for one new connection (kubernetes pkg/proxy/userspace: LoadBalancerRR
// NextEndpoint and tryConnect). A listener per service port (ClusterIP:port, and the NodePort on the
// node's addresses) hands the connection to a per-service round robin over the programmed endpoints
// in sorted order; ClientIP affinity reuses the client's endpoint while now < lastUsed + timeout and
// refreshes lastUsed. A refused dial (serving = 0) retries with affinity ignored: the next round-robin
// endpoint, at most n attempts in all (SPEC 3; the proxy itself stopped after 4 dial timeouts).
// UDP is never retried: a UDP dial reaches no peer, so it cannot be refused.
//
// Work = dial attempts; the result's extra word = retries = attempts - 1. When every attempt is
// refused the verdict stays dnat on the last endpoint tried (its serving flag marks the failure).
// A service without endpoints closes the accepted connection: reject, 0 attempts.

import {
  FLOW_DST_IP, FLOW_DST_PORT, FLOW_PROTO, FLOW_SRC_IP, FLOW_START,
  NO_ENDPOINT, RESULT_ENDPOINT, RESULT_EXTRA, RESULT_VERDICT, RESULT_WORK,
  VERDICT_DNAT, VERDICT_NOMATCH, VERDICT_REJECT,
} from '../layout';
import { ClientTable } from '../maps/client-table';
import { BucketMap } from '../maps/bucket-map';
import {
  BM_V0, CLIENT_EXPIRES, CLIENT_VALUE, EP_ID, EP_SERVING, EP_STRIDE, portKey, PROTO_UDP,
  SVC_AFFINITY, SVC_CLUSTER_IP, SVC_EP_COUNT, SVC_EP_FIRST, SVC_NODE_PORT_KEY, SVC_PORT_KEY,
  SVC_RR_INDEX, SVC_STRIDE,
} from '../maps/layout';

/** The loaded image and state of one userspace proxy (one per WASM instance). */
@final
export class UserspaceProxy {
  /** Listeners: (clusterIP, portKey) and (0, nodePortKey) → service (v0); the first bind wins. */
  listeners: BucketMap;
  /** Per-service affinity maps: (service, client) → (lastUsed + timeout, endpoint slot). */
  affinity: ClientTable = new ClientTable();

  constructor(
    public services: usize,
    public serviceCount: u32,
    public endpoints: usize,
    public nodeIps: usize,
    public nodeIpCount: u32,
  ) {
    let keys = serviceCount;
    for (let s: u32 = 0; s < serviceCount; s++) {
      if (load<u32>(services + <usize>s * SVC_STRIDE + SVC_NODE_PORT_KEY) != 0) keys++;
    }
    this.listeners = new BucketMap(keys);
    for (let s: u32 = 0; s < serviceCount; s++) {
      const p = services + <usize>s * SVC_STRIDE;
      this.listeners.insertIfAbsent(load<u32>(p + SVC_CLUSTER_IP), load<u32>(p + SVC_PORT_KEY), s, 0);
      const np = load<u32>(p + SVC_NODE_PORT_KEY);
      // A ClusterIP is never 0.0.0.0, so a = 0 keeps the NodePort keys apart.
      if (np != 0) this.listeners.insertIfAbsent(0, np, s, 0);
    }
    this.reset();
  }

  /** Round-robin cursors back to the first endpoint, affinity maps emptied. */
  reset(): void {
    for (let s: u32 = 0; s < this.serviceCount; s++) {
      store<u32>(this.services + <usize>s * SVC_STRIDE + SVC_RR_INDEX, 0);
    }
    this.affinity.clear();
  }

  // @ts-ignore: decorator
  @inline isNodeIp(ip: u32): bool {
    for (let i: u32 = 0; i < this.nodeIpCount; i++) {
      if (load<u32>(this.nodeIps + (<usize>i << 2)) == ip) return true;
    }
    return false;
  }

  /** Decides the flow at `f` into the result record at `r`. */
  // @ts-ignore: decorator
  @inline decide(f: usize, r: usize): void {
    const proto = <u32>load<u8>(f + FLOW_PROTO);
    const key = portKey(proto, <u32>load<u16>(f + FLOW_DST_PORT));
    const dst = load<u32>(f + FLOW_DST_IP);
    let slot = this.listeners.find(dst, key);
    if (slot == 0 && this.isNodeIp(dst)) slot = this.listeners.find(0, key);
    if (slot == 0) {
      this.finish(r, VERDICT_NOMATCH, NO_ENDPOINT, 0);
      return;
    }
    const svc = load<u32>(slot + BM_V0);
    const p = this.services + <usize>svc * SVC_STRIDE;
    const n = load<u32>(p + SVC_EP_COUNT);
    if (n == 0) {
      this.finish(r, VERDICT_REJECT, NO_ENDPOINT, 0);
      return;
    }
    const first = load<u32>(p + SVC_EP_FIRST);
    const timeout = load<f64>(p + SVC_AFFINITY);
    const src = load<u32>(f + FLOW_SRC_IP);
    const now = load<f64>(f + FLOW_START);
    const canRetry = proto != PROTO_UDP;
    let attempts: u32 = 0;
    let e: u32 = 0;
    for (;;) {
      let hit = false;
      if (timeout >= 0 && attempts == 0) {
        const s = this.affinity.find(svc, src, now);
        if (s != 0) {
          e = load<u32>(s + CLIENT_VALUE);
          store<f64>(s + CLIENT_EXPIRES, now + timeout);
          hit = true;
        }
      }
      if (!hit) {
        e = load<u32>(p + SVC_RR_INDEX);
        store<u32>(p + SVC_RR_INDEX, e + 1 == n ? 0 : e + 1);
        if (timeout >= 0) this.affinity.put(svc, src, now, now + timeout, <i32>e);
      }
      attempts++;
      const serving = load<u32>(this.endpoints + <usize>(first + e) * EP_STRIDE + EP_SERVING) != 0;
      if (serving || !canRetry || attempts >= n) break;
    }
    const id = load<i32>(this.endpoints + <usize>(first + e) * EP_STRIDE + EP_ID);
    this.finish(r, VERDICT_DNAT, id, attempts);
  }

  // @ts-ignore: decorator
  @inline finish(r: usize, verdict: u32, endpoint: i32, attempts: u32): void {
    store<u32>(r + RESULT_VERDICT, verdict);
    store<i32>(r + RESULT_ENDPOINT, endpoint);
    store<u32>(r + RESULT_WORK, attempts);
    store<u32>(r + RESULT_EXTRA, attempts > 0 ? attempts - 1 : 0);
  }
}
