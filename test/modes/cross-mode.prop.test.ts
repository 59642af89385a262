// DESIGN 1 / issue 5: one model, four dataplanes. Every mode (iptables, IPVS with each scheduler,
// nftables, userspace) agrees on which service owns every flow: the same flows are `nomatch`
// everywhere, and a `dnat` flow lands on an endpoint of the same service in every mode.
// SPEC 3 outcomes: with 1 of 3 endpoints dead, iptables/nftables/IPVS-rr fail a third of new
// flows (rr exactly), userspace fails none and reports the retries.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { createEngine, type Mode } from '../../src/engines/factory.js';
import { endpointOffsets, SCHEDULER_NAMES, type Cluster, type SchedulerName } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { endpointTable, outcomeOf } from '../../src/io/decisions-csv.js';
import { makeCluster, makeEndpoint, makeService } from '../helpers/cluster.js';

const ENGINES: Array<[Mode, SchedulerName]> = [
  ['iptables', 'rr'], ['nftables', 'rr'], ['userspace', 'rr'], ...SCHEDULER_NAMES.map((s): [Mode, SchedulerName] => ['ipvs', s]),
];

/** Service index of each global endpoint id. */
function ownerOfEndpoint(c: Cluster): Int32Array {
  const offsets = endpointOffsets(c);
  const owner = new Int32Array(offsets[c.services.length]!);
  c.services.forEach((_, s) => owner.fill(s, offsets[s]!, offsets[s + 1]!));
  return owner;
}

describe('every mode', () => {
  test.prop([
    fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 0xffff }), fc.double({ min: 0, max: 0.6, noNaN: true }),
    fc.double({ min: 0, max: 0.5, noNaN: true }), fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.nat({ max: 3 })), { minLength: 1, maxLength: 300 }),
  ], { numRuns: 25 })('agrees on which service owns every flow', (n, seed, udp, nodePorts, picks) => {
    const base = syntheticCluster({ services: n, endpoints: { lo: 0, hi: 4 }, udpFraction: udp, nodePortFraction: nodePorts, seed, deadFraction: 0.2 });
    const node = base.nodeIPs[0]!;
    const flows: Flow[] = picks.map(([k, miss, how], index) => {
      const s = base.services[k % n]!;
      const viaNodePort = how === 3 && s.nodePort !== null;
      return {
        index, start: index * 0.01, src: 0x0afa0000 + (k % 50), sport: 1024 + index, duration: 0.5, proto: s.protocol,
        dst: miss ? 0xcb007100 + (k & 0xff) : viaNodePort ? node : s.clusterIP,
        dport: miss ? 80 : viaNodePort ? s.nodePort! : s.port,
      };
    });
    const owner = ownerOfEndpoint(base);
    const views = ENGINES.map(([mode, scheduler]) =>
      createEngine(mode, base, { kind: 'simd', seed: 1, scheduler }).decide(flows).map((d) =>
        d.verdict === 'nomatch' ? 'nomatch' : d.verdict === 'reject' ? 'reject' : `service ${owner[d.endpoint]}`));
    const nomatch = (v: string[]) => v.map((x) => x === 'nomatch');
    for (const v of views) expect(nomatch(v)).toEqual(nomatch(views[0]!));
    views[0]!.forEach((_, i) => {
      const owners = new Set(views.map((v) => v[i]).filter((x) => x!.startsWith('service')));
      expect(owners.size).toBeLessThanOrEqual(1);
      if (owners.size === 1) expect([...owners][0]).toBe(`service ${picks[i]![0] % n}`);
    });
  });
});

describe('with 1 of 3 endpoints not serving', () => {
  const cluster = makeCluster([
    makeService({ name: 'demo/web', clusterIP: '10.96.0.10', port: 80, endpoints: [
      makeEndpoint({ ip: '10.244.0.2', port: 8080 }), makeEndpoint({ ip: '10.244.0.3', port: 8080, serving: false }), makeEndpoint({ ip: '10.244.0.4', port: 8080 }),
    ] }),
  ]);
  const N = 30000;
  const flows: Flow[] = Array.from({ length: N }, (_, index) => ({
    index, start: index * 1e-3, src: 0x0af00000 + (index % 5000), sport: 1024 + (index % 60000), dst: 0x0a60000a, dport: 80, proto: 'tcp', duration: 0.2,
  }));
  const endpoints = endpointTable(cluster);
  const failedOf = (mode: Mode) => {
    const decisions = createEngine(mode, cluster, { kind: 'simd', seed: 3, scheduler: 'rr' }).decide(flows);
    return { failed: decisions.filter((d) => outcomeOf(d, endpoints) === 'failed').length, decisions };
  };
  const sigma = Math.sqrt(N * (1 / 3) * (2 / 3));

  it.each<Mode>(['iptables', 'nftables'])('%s fails about a third of new flows', (mode) => {
    const { failed } = failedOf(mode);
    expect(Math.abs(failed - N / 3)).toBeLessThan(5 * sigma);
  });

  it('ipvs rr fails exactly a third', () => {
    expect(failedOf('ipvs').failed).toBe(N / 3);
  });

  it('userspace fails none and retries every flow that met the dead endpoint', () => {
    const { failed, decisions } = failedOf('userspace');
    expect(failed).toBe(0);
    // Round robin A, B†, C: a flow sent to B† retries on C, which moves the cursor to C, so the
    // cycle is A, B†→C: every second flow meets the dead endpoint and needs one retry.
    expect(decisions.filter((d) => d.work === 2)).toHaveLength(N / 2);
    expect(decisions.every((d) => d.work <= 2)).toBe(true);
  });
});
