// Hashing schedulers: a key keeps its destination while the set is unchanged (property), and
// removing one of n destinations remaps about 1/n of clients with mh (Maglev) but far more with
// sh (the bucket table is refilled from the start). Both fractions are printed.

import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Cluster, SchedulerName } from '../../src/model/cluster.js';
import { cluster, ep, ENGINE_KINDS, makeEngine, svc } from './helpers.js';
import type { Flow } from '../../src/model/flow.js';

function clientFlows(clients: readonly number[], t0: number, sport: number): Flow[] {
  return clients.map((src, i) => ({ index: i, start: t0, src, sport: sport + (i % 7), dst: 0x0a60000a, dport: 80, proto: 'tcp', duration: 0 }));
}

describe.each(['dh', 'sh', 'mh'] as SchedulerName[])('%s is stable while the destination set is unchanged', (scheduler) => {
  test.prop([
    fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 40 }),
    fc.uniqueArray(fc.integer({ min: 0x0afa0000, max: 0x0afaffff }), { minLength: 1, maxLength: 60 }),
  ], { numRuns: 25 })('same client → same destination at any later time', (weights, clients) => {
    const c = cluster([svc(weights.map((w, i) => ep(`10.244.${i >> 8}.${(i & 255) + 1}`, { weight: w })), { scheduler })]);
    for (const kind of ENGINE_KINDS) {
      const e = makeEngine(kind, c);
      const first = e.decide(clientFlows(clients, 0, 1000)).map((d) => d.endpoint);
      const later = e.decide(clientFlows(clients, 500, 2000)).map((d) => d.endpoint);
      expect(later).toEqual(first);
    }
  });
});

function remapFraction(scheduler: SchedulerName, n: number, removed: number, clients: number): number {
  const ips = Array.from({ length: n }, (_, i) => `10.244.7.${i + 10}`);
  const full: Cluster = cluster([svc(ips.map((a) => ep(a)), { scheduler })]);
  const less: Cluster = cluster([svc(ips.filter((_, i) => i !== removed).map((a) => ep(a)), { scheduler })]);
  const srcs = Array.from({ length: clients }, (_, i) => 0x0afa0000 + i * 13);
  const ipOf = (c: Cluster, id: number): number => c.services[0]!.endpoints[id]!.ip;
  const a = makeEngine('scalar', full).decide(clientFlows(srcs, 0, 1000)).map((d) => ipOf(full, d.endpoint));
  const b = makeEngine('scalar', less).decide(clientFlows(srcs, 0, 1000)).map((d) => ipOf(less, d.endpoint));
  return a.filter((x, i) => x !== b[i]).length / clients;
}

describe('removing one of n destinations', () => {
  it('remaps about 1/n of clients with mh and measurably more with sh', () => {
    const n = 10;
    const mh = remapFraction('mh', n, 4, 20000);
    const sh = remapFraction('sh', n, 4, 20000);
    console.log(`remapped after removing 1 of ${n} destinations: mh ${(mh * 100).toFixed(1)} %, sh ${(sh * 100).toFixed(1)} % (ideal ${(100 / n).toFixed(1)} %)`);
    expect(mh).toBeGreaterThanOrEqual(1 / n - 0.02);
    expect(mh).toBeLessThan(1.5 / n);
    expect(sh).toBeGreaterThan(3 * mh);
  });
});
