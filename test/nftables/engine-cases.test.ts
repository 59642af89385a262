// Table-driven cases for the nftables engine: numgen scaling, map lookups counted as work,
// affinity expiry. Each case runs on the reference and both WASM builds.

import { describe, expect, it } from 'vitest';
import { NftablesWasmEngine } from '../../src/engines/nftables-wasm.js';
import { NftablesReferenceEngine } from '../../src/engines/reference/nftables.js';
import type { DecisionEngine } from '../../src/engines/engine.js';
import { drawRandom, RandomDomain, streamKey } from '../../src/gen/counter-random.js';
import type { Cluster, Protocol } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { numgenIndex } from '../../src/nftables/numgen.js';
import { ip, makeCluster, makeService } from '../helpers/cluster.js';

describe('numgenIndex()', () => {
  const cases: { r: number; n: number; want: number }[] = [
    { r: 0, n: 1, want: 0 },
    { r: 0xffffffff, n: 1, want: 0 },
    { r: 0x7fffffff, n: 2, want: 0 },
    { r: 0x80000000, n: 2, want: 1 },
    { r: 0x55555555, n: 3, want: 0 },
    { r: 0x55555556, n: 3, want: 1 },
    { r: 0xaaaaaaab, n: 3, want: 2 },
    { r: 0xffffffff, n: 10, want: 9 },
    { r: 0x19999999, n: 10, want: 0 },
    { r: 0x1999999a, n: 10, want: 1 },
  ];
  for (const c of cases) {
    it(`maps r=0x${c.r.toString(16)} n=${c.n} to ${c.want}`, () => expect(numgenIndex(c.r, c.n)).toBe(c.want));
  }
});

type Make = (cluster: Cluster, seed: number) => DecisionEngine;
const ENGINES: [string, Make][] = [
  ['reference', (c, seed) => new NftablesReferenceEngine(c, { seed })],
  ['wasm-scalar', (c, seed) => new NftablesWasmEngine(c, { build: 'scalar', seed })],
  ['wasm-simd', (c, seed) => new NftablesWasmEngine(c, { build: 'simd', seed })],
];

const SEED = 42;
const KEY = streamKey(SEED, RandomDomain.DECISION);

// Endpoint order is by "IP:port" text: 10.244.0.10 < 10.244.0.2 < 10.244.0.9 (global ids 1, 2, 0).
const eps = [{ ip: '10.244.0.9', port: 80 }, { ip: '10.244.0.10', port: 80 }, { ip: '10.244.0.2', port: 80 }];
const SORTED_IDS = [1, 2, 0];
const cluster = makeCluster(
  [
    makeService({ name: 'a/web:http', clusterIP: '10.96.0.1', port: 80, nodePort: 30080, endpoints: eps }),
    makeService({ name: 'a/sticky:http', clusterIP: '10.96.0.2', port: 80, affinityTimeout: 10, endpoints: eps }),
    makeService({ name: 'a/empty:http', clusterIP: '10.96.0.3', port: 80, nodePort: 30081 }),
    makeService({ name: 'a/down:http', clusterIP: '10.96.0.4', port: 80, endpoints: [{ ip: '10.244.1.1', port: 80, ready: false }] }),
  ],
  { podCIDR: '10.244.0.0/16', nodeIPs: ['192.0.2.10', '127.0.0.1'] },
);

let nextIndex = 0;
function flow(dst: string, dport: number, o: { src?: string; start?: number; proto?: Protocol } = {}): Flow {
  return { index: nextIndex++, start: o.start ?? 0, src: ip(o.src ?? '10.250.0.1'), sport: 5555, dst: ip(dst), dport, proto: o.proto ?? 'tcp', duration: 1 };
}
const numgenId = (f: Flow, n = 3, ids = SORTED_IDS): number => ids[numgenIndex(drawRandom(KEY, f.index, 0), n)]!;

describe.each(ENGINES)('nftables engine (%s)', (_label, make) => {
  describe('map lookups and verdicts', () => {
    const cases: { name: string; flow: Flow; verdict: string; work: number; endpoint?: number }[] = [
      { name: 'ClusterIP hit: one service-ips lookup', flow: flow('10.96.0.1', 80), verdict: 'dnat', work: 1 },
      { name: 'unknown address: one lookup, nomatch', flow: flow('198.51.100.7', 80), verdict: 'nomatch', work: 1 },
      { name: 'ClusterIP, wrong port: nomatch', flow: flow('10.96.0.1', 81), verdict: 'nomatch', work: 1 },
      { name: 'ClusterIP, wrong protocol: nomatch', flow: flow('10.96.0.1', 80, { proto: 'udp' }), verdict: 'nomatch', work: 1 },
      { name: 'NodePort on a node IP: service-ips then service-nodeports', flow: flow('192.0.2.10', 30080), verdict: 'dnat', work: 2 },
      { name: 'NodePort on loopback: not consulted (ip daddr != 127.0.0.0/8)', flow: flow('127.0.0.1', 30080), verdict: 'nomatch', work: 1 },
      { name: 'node IP, unknown port: both maps miss', flow: flow('192.0.2.10', 31999), verdict: 'nomatch', work: 2 },
      { name: 'no endpoints: no-endpoint-services rejects', flow: flow('10.96.0.3', 80), verdict: 'reject', work: 1, endpoint: -1 },
      { name: 'only unready endpoints: reject', flow: flow('10.96.0.4', 80), verdict: 'reject', work: 1, endpoint: -1 },
      { name: 'NodePort without endpoints: no-endpoint-nodeports rejects', flow: flow('192.0.2.10', 30081), verdict: 'reject', work: 2, endpoint: -1 },
      { name: 'affinity service, new client: 3 sets tested, then numgen', flow: flow('10.96.0.2', 80, { src: '10.250.9.9' }), verdict: 'dnat', work: 4 },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const [d] = make(cluster, SEED).decide([c.flow]);
        expect(d, c.name).toMatchObject({ verdict: c.verdict, work: c.work });
        if (c.verdict === 'dnat') {
          const svcIndex = c.flow.dst === ip('10.96.0.2') ? 1 : 0;
          expect(d!.endpoint, c.name).toBe(numgenId(c.flow) + svcIndex * 3);
        } else {
          expect(d!.endpoint, c.name).toBe(-1);
        }
      });
    }
  });

  describe('affinity expiry (timeout 10 s: live while now < lastUpdate + 10)', () => {
    it('keeps the endpoint while live, refreshes on every new flow, and forgets it after expiry', () => {
      const engine = make(cluster, SEED);
      const first = flow('10.96.0.2', 80, { start: 100 });
      const [d0] = engine.decide([first]);
      const id = d0!.endpoint;
      const position = SORTED_IDS.indexOf(id - 3);
      const steps: { name: string; start: number; sticky: boolean }[] = [
        { name: 'just before expiry', start: 109.75, sticky: true },
        { name: 'refreshed by the previous flow', start: 119.5, sticky: true },
        { name: 'exactly at lastUpdate + timeout: expired', start: 129.5, sticky: false },
      ];
      for (const s of steps) {
        const f = flow('10.96.0.2', 80, { start: s.start });
        const [d] = engine.decide([f]);
        if (s.sticky) {
          expect(d, s.name).toMatchObject({ verdict: 'dnat', endpoint: id, work: 1 + position + 1 });
        } else {
          expect(d, s.name).toMatchObject({ verdict: 'dnat', endpoint: numgenId(f) + 3, work: 1 + 3 });
        }
      }
    });

    it('keeps clients apart and services apart', () => {
      const engine = make(cluster, SEED);
      const a = flow('10.96.0.2', 80, { src: '10.250.0.1' });
      engine.decide([a]);
      const b = flow('10.96.0.2', 80, { src: '10.250.0.2', start: 1 });
      const c = flow('10.96.0.1', 80, { src: '10.250.0.1', start: 1 });
      const [db, dc] = engine.decide([b, c]);
      expect(db).toMatchObject({ endpoint: numgenId(b) + 3, work: 4 });
      expect(dc).toMatchObject({ endpoint: numgenId(c), work: 1 });
    });
  });
});
