// Table-driven and scenario cases for the userspace proxy: round robin in sorted endpoint order,
// retries of refused dials, affinity expiry, listeners. Each runs on the reference and both WASM builds.

import { describe, expect, it } from 'vitest';
import type { RawDecision } from '../../src/engines/flow-batch.js';
import { UserspaceReferenceEngine } from '../../src/engines/reference/userspace.js';
import { UserspaceWasmEngine } from '../../src/engines/userspace-wasm.js';
import type { Cluster, Protocol } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { ip, makeCluster, makeService, type EndpointSpec } from '../helpers/cluster.js';

type Make = (cluster: Cluster) => { decide(flows: readonly Flow[]): RawDecision[] };
const ENGINES: [string, Make][] = [
  ['reference', (c) => new UserspaceReferenceEngine(c)],
  ['wasm-scalar', (c) => new UserspaceWasmEngine(c, { build: 'scalar', batchSize: 5 })],
  ['wasm-simd', (c) => new UserspaceWasmEngine(c, { build: 'simd', batchSize: 5 })],
];

function flows(count: number, o: { dst?: string; dport?: number; src?: (i: number) => string; start?: (i: number) => number; proto?: Protocol } = {}): Flow[] {
  return Array.from({ length: count }, (_, i) => ({
    index: i, start: o.start?.(i) ?? i, src: ip(o.src?.(i) ?? `10.250.0.${1 + (i % 200)}`), sport: 2000 + i,
    dst: ip(o.dst ?? '10.96.0.1'), dport: o.dport ?? 80, proto: o.proto ?? 'tcp', duration: 1,
  }));
}

function oneService(endpoints: EndpointSpec[], extra: { affinityTimeout?: number; protocol?: Protocol; nodePort?: number } = {}): Cluster {
  return makeCluster([makeService({ name: 'a/b:http', clusterIP: '10.96.0.1', port: 80, endpoints, ...extra })], { nodeIPs: ['192.0.2.10'] });
}

describe.each(ENGINES)('userspace engine (%s)', (_label, make) => {
  it('spreads k consecutive new flows over its k ready endpoints, in sorted "IP:port" order', () => {
    for (let k = 1; k <= 9; k++) {
      const eps = Array.from({ length: k }, (_, i) => ({ ip: `10.244.0.${9 - i}`, port: 80 }));
      const cluster = oneService([...eps, { ip: '10.244.1.1', port: 80, ready: false }, { ip: '10.244.1.2', port: 80, terminating: true }]);
      const ds = make(cluster).decide(flows(3 * k));
      for (let round = 0; round < 3; round++) {
        const chunk = ds.slice(round * k, round * k + k).map((d) => d.endpoint);
        expect(new Set(chunk).size, `k=${k} round ${round}`).toBe(k);
        // endpoint i has IP 10.244.0.(9-i): sorted text order is ascending IP here, i.e. descending i
        expect(chunk, `k=${k}`).toEqual(Array.from({ length: k }, (_, j) => k - 1 - j));
      }
      expect(ds.every((d) => d.verdict === 'dnat' && d.work === 1 && d.extra === 0)).toBe(true);
    }
  });

  it('with 1 of 3 endpoints not serving, fails no flow and reports the retries', () => {
    const cluster = oneService([{ ip: '10.244.0.1', port: 80 }, { ip: '10.244.0.2', port: 80, serving: false }, { ip: '10.244.0.3', port: 80 }]);
    const n = 3000;
    const ds = make(cluster).decide(flows(n));
    const eps = cluster.services[0]!.endpoints;
    expect(ds.filter((d) => !eps[d.endpoint]!.serving)).toEqual([]);
    // The cursor visits 0, 1 (refused) → 2, 0, 1 (refused) → 2, …: one retry every second flow.
    expect(ds.map((d) => d.extra).slice(0, 6)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(ds.reduce((a, d) => a + d.extra, 0)).toBe(n / 2);
    expect(ds.every((d) => d.work === d.extra + 1)).toBe(true);
  });

  const retryCases: { name: string; serving: boolean[]; proto: Protocol; want: { endpoint: number; work: number; extra: number }[] }[] = [
    { name: 'every endpoint refuses: n attempts, dnat on the last tried', serving: [false, false, false], proto: 'tcp', want: [{ endpoint: 2, work: 3, extra: 2 }, { endpoint: 2, work: 3, extra: 2 }] },
    { name: 'UDP never retries (a UDP dial reaches no peer)', serving: [true, false, true], proto: 'udp', want: [{ endpoint: 0, work: 1, extra: 0 }, { endpoint: 1, work: 1, extra: 0 }, { endpoint: 2, work: 1, extra: 0 }] },
    { name: 'SCTP retries like TCP', serving: [true, false, true], proto: 'sctp', want: [{ endpoint: 0, work: 1, extra: 0 }, { endpoint: 2, work: 2, extra: 1 }, { endpoint: 0, work: 1, extra: 0 }] },
  ];
  for (const c of retryCases) {
    it(c.name, () => {
      const cluster = oneService(c.serving.map((s, i) => ({ ip: `10.244.0.${i + 1}`, port: 80, serving: s })), { protocol: c.proto });
      const ds = make(cluster).decide(flows(c.want.length, { proto: c.proto }));
      expect(ds.map((d) => ({ endpoint: d.endpoint, work: d.work, extra: d.extra }))).toEqual(c.want);
    });
  }

  it('keeps a client on its endpoint while now < lastUsed + timeout, refreshing lastUsed', () => {
    const cluster = oneService([{ ip: '10.244.0.1', port: 80 }, { ip: '10.244.0.2', port: 80 }, { ip: '10.244.0.3', port: 80 }], { affinityTimeout: 10 });
    const starts = [0, 9.5, 19, 29, 29.5];
    const ds = make(cluster).decide(flows(starts.length, { src: () => '10.250.0.1', start: (i) => starts[i]! }));
    // 0 → rr 0; 9.5, 19 hits (refreshed); 29 = 19 + 10 expired → rr 1; 29.5 hits 1.
    expect(ds.map((d) => d.endpoint)).toEqual([0, 0, 0, 1, 1]);
  });

  it('ignores affinity on a retry and re-pins the client to the endpoint that took the flow', () => {
    const dead = oneService([{ ip: '10.244.0.1', port: 80, serving: false }, { ip: '10.244.0.2', port: 80 }], { affinityTimeout: 100 });
    const e = make(dead);
    const ds = e.decide(flows(3, { src: (i) => (i === 1 ? '10.250.0.2' : '10.250.0.1') }));
    // A: rr 0 refused → retry rr 1 (re-pinned to 1); B: rr 0 refused → rr 1; A again: affinity → 1.
    expect(ds.map((d) => [d.endpoint, d.work])).toEqual([[1, 2], [1, 2], [1, 1]]);
  });

  const listenerCases: { name: string; dst: string; dport: number; verdict: string }[] = [
    { name: 'ClusterIP:port', dst: '10.96.0.1', dport: 80, verdict: 'dnat' },
    { name: 'NodePort on a node IP', dst: '192.0.2.10', dport: 30080, verdict: 'dnat' },
    { name: 'NodePort on another address', dst: '10.96.0.1', dport: 30080, verdict: 'nomatch' },
    { name: 'unknown port', dst: '10.96.0.1', dport: 81, verdict: 'nomatch' },
    { name: 'service without endpoints', dst: '10.96.0.9', dport: 80, verdict: 'reject' },
  ];
  for (const c of listenerCases) {
    it(`listener: ${c.name} → ${c.verdict}`, () => {
      const cluster = makeCluster(
        [
          makeService({ name: 'a/b:http', clusterIP: '10.96.0.1', port: 80, nodePort: 30080, endpoints: [{ ip: '10.244.0.1', port: 80 }] }),
          makeService({ name: 'a/e:http', clusterIP: '10.96.0.9', port: 80 }),
        ],
        { nodeIPs: ['192.0.2.10'] },
      );
      const [d] = make(cluster).decide(flows(1, { dst: c.dst, dport: c.dport }));
      expect(d).toMatchObject({ verdict: c.verdict, work: c.verdict === 'dnat' ? 1 : 0, endpoint: c.verdict === 'dnat' ? 0 : -1 });
    });
  }
});
