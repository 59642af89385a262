// Packet-flow checks of the iptables engines on rulesets compileIptables() programs for random
// clusters: flows to a service land on one of its programmed endpoints, other flows pass, services
// without endpoints reject, statistic shares are uniform, affinity sticks, and WASM == reference.

import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IptablesReferenceEngine } from '../../src/engines/reference/iptables.js';
import { IptablesWasmEngine } from '../../src/engines/iptables-wasm.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows } from '../../src/gen/flows.js';
import { compileIptables } from '../../src/iptables/compile.js';
import { endpointOffsets, isProgrammed, type Cluster, type Service } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { chiSquareStatistic, chiSquareSurvival } from '../helpers/chi-square.js';
import { ip, makeCluster, makeService } from '../helpers/cluster.js';

const NODE_IP = '192.0.2.10';

const serviceArb = (i: number): fc.Arbitrary<Service> =>
  fc
    .record({
      port: fc.constantFrom(80, 443, 53, 8080),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
      affinity: fc.option(fc.constantFrom(10, 10800), { nil: null }),
      nodePort: fc.boolean(),
      endpoints: fc.array(
        fc.record({ ready: fc.constantFrom(true, true, true, false), terminating: fc.boolean() }),
        { maxLength: 6 },
      ),
    })
    .map((s) =>
      makeService({
        name: `ns/svc-${i}:p`,
        clusterIP: `10.96.0.${10 + i}`,
        port: s.port,
        protocol: s.protocol,
        affinityTimeout: s.affinity,
        nodePort: s.nodePort ? 30000 + i : null,
        endpoints: s.endpoints.map((e, k) => ({ ip: `10.244.${i}.${10 + k}`, port: 8080, ready: e.ready, terminating: e.terminating && k % 2 === 0 })),
      }),
    );

const clusterArb: fc.Arbitrary<Cluster> = fc
  .integer({ min: 1, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(i))))
  .map((services) => makeCluster(services, { podCIDR: '10.244.0.0/16', nodeIPs: [NODE_IP] }));

/** A flow to service `s` (or, when s is null, to an address and port no service owns). */
interface FlowSpec {
  readonly service: number | null;
  readonly client: number;
  readonly gap: number;
}

function flowsFor(cluster: Cluster, specs: readonly FlowSpec[]): Flow[] {
  let t = 0;
  return specs.map((f, index) => {
    t += f.gap;
    const svc = f.service === null ? null : cluster.services[f.service % cluster.services.length]!;
    return {
      index,
      start: t,
      src: ip('10.250.0.0') + f.client,
      sport: 20000 + index,
      dst: svc === null ? ip('203.0.113.0') + (index & 0xff) : svc.clusterIP,
      dport: svc === null ? 80 : svc.port,
      proto: svc === null ? 'tcp' : svc.protocol,
      duration: 1,
    };
  });
}

const specsArb = fc.array(
  fc.record({
    service: fc.option(fc.nat(100), { nil: null, freq: 5 }),
    client: fc.integer({ min: 0, max: 8 }),
    gap: fc.double({ min: 0, max: 3, noNaN: true }),
  }),
  { maxLength: 80 },
);

/** Global ids of the programmed endpoints of service `s`. */
function programmedIds(cluster: Cluster, s: number): number[] {
  const base = endpointOffsets(cluster)[s]!;
  return cluster.services[s]!.endpoints.flatMap((e, k) => (isProgrammed(e) ? [base + k] : []));
}

describe('iptables engines on kube-proxy rulesets', () => {
  test.prop([clusterArb, specsArb, fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 120 })(
    'service flows dnat to a programmed endpoint, others pass, services without endpoints reject; WASM == reference',
    (cluster, specs, seed) => {
      const rs = compileIptables(cluster);
      const flows = flowsFor(cluster, specs);
      const ref = new IptablesReferenceEngine(rs, { seed }).decide(flows);
      expect(new IptablesWasmEngine(rs, { build: 'scalar', seed }).decide(flows)).toEqual(ref);
      expect(new IptablesWasmEngine(rs, { build: 'simd', seed }).decide(flows)).toEqual(ref);
      specs.forEach((spec, i) => {
        const d = ref[i]!;
        if (spec.service === null) {
          expect(d.verdict, `flow ${i} to no service`).toBe('nomatch');
          return;
        }
        const s = spec.service % cluster.services.length;
        const ids = programmedIds(cluster, s);
        if (ids.length === 0) expect(d.verdict, `flow ${i} to endpoint-less service ${s}`).toBe('reject');
        else {
          expect(d.verdict, `flow ${i} to service ${s}`).toBe('dnat');
          expect(ids, `flow ${i}: endpoint of service ${s}`).toContain(d.endpoint);
        }
      });
    },
  );

  test.prop([clusterArb, specsArb, fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 80 })(
    'with ClientIP affinity, a client keeps its endpoint while its flows come within the timeout',
    (cluster, specs, seed) => {
      const rs = compileIptables(cluster);
      const flows = flowsFor(cluster, specs);
      const got = new IptablesWasmEngine(rs, { build: 'simd', seed }).decide(flows);
      // ≤ 9 clients: no list overflows its 100 entries, so only the timeout ends affinity.
      const last = new Map<string, { endpoint: number; start: number }>();
      specs.forEach((spec, i) => {
        if (spec.service === null) return;
        const s = spec.service % cluster.services.length;
        const svc = cluster.services[s]!;
        if (svc.affinityTimeout === null || got[i]!.verdict !== 'dnat') return;
        const key = `${s}/${spec.client}`;
        const prev = last.get(key);
        const f = flows[i]!;
        if (prev !== undefined && f.start - prev.start <= svc.affinityTimeout) {
          expect(got[i]!.endpoint, `flow ${i}: client ${spec.client} of service ${s}`).toBe(prev.endpoint);
        }
        last.set(key, { endpoint: got[i]!.endpoint, start: f.start });
      });
    },
  );

  it('statistic shares for E = 2…10 endpoints pass a chi-square test (p > 0.001, 200,000 flows each)', () => {
    for (let e = 2; e <= 10; e++) {
      const cluster = syntheticCluster({ services: 1, endpoints: { lo: e, hi: e }, seed: 1000 + e });
      const rs = compileIptables(cluster);
      const engine = new IptablesWasmEngine(rs, { build: 'simd', seed: 77 + e, batchSize: 16384 });
      const counts = new Array<number>(e).fill(0);
      let other = 0;
      for (let first = 0; first < 200_000; first += 50_000) {
        for (const d of engine.decide(syntheticFlows(cluster, first, 50_000, { seed: 5 }))) {
          if (d.verdict === 'dnat') counts[d.endpoint]!++;
          else other++;
        }
      }
      expect(other, `E = ${e}: flows not DNATed`).toBe(0);
      const p = chiSquareSurvival(chiSquareStatistic(counts, counts.map(() => 1 / e)), e - 1);
      expect(p, `E = ${e}: counts ${counts.join(' ')}`).toBeGreaterThan(0.001);
    }
  });

  it('WASM scalar and SIMD equal the reference on a synthetic cluster with affinity and misses', () => {
    const cluster = syntheticCluster({ services: 300, endpoints: { lo: 1, hi: 6 }, affinityFraction: 0.3, udpFraction: 0.2, nodePortFraction: 0.2, seed: 9 });
    const rs = compileIptables(cluster);
    const flows = syntheticFlows(cluster, 0, 4000, { seed: 3, miss: 0.1, clients: 150, rate: 50 });
    const ref = new IptablesReferenceEngine(rs, { seed: 4 }).decide(flows);
    expect(new IptablesWasmEngine(rs, { build: 'scalar', seed: 4, batchSize: 1000 }).decide(flows)).toEqual(ref);
    expect(new IptablesWasmEngine(rs, { build: 'simd', seed: 4 }).decide(flows)).toEqual(ref);
    expect(ref.some((d) => d.verdict === 'nomatch')).toBe(true);
  });
});
