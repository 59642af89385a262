// nftables spreads new flows evenly (chi-square, p > 0.001 for 200,000 flows, E = 2…10) and, with
// one of three endpoints dead but programmed, fails about a third of new flows.

import { describe, expect, it } from 'vitest';
import { NftablesWasmEngine } from '../../src/engines/nftables-wasm.js';
import type { Flow } from '../../src/model/flow.js';
import { ip, makeCluster, makeService } from '../helpers/cluster.js';
import { chiSquareStatistic, chiSquareSurvival } from '../helpers/chi-square.js';

/** p-value of observed counts against equal shares. */
function uniformChiSquareP(observed: readonly number[]): number {
  const p = observed.map(() => 1 / observed.length);
  return chiSquareSurvival(chiSquareStatistic(observed, p), observed.length - 1);
}

const FLOWS = 200_000;

function flowsTo(dst: number, count: number): Flow[] {
  return Array.from({ length: count }, (_, i) => ({
    index: i, start: i / 20_000, src: (ip('10.250.0.0') + (i % 10_000)) >>> 0, sport: 1024 + (i % 60_000), dst, dport: 80, proto: 'tcp', duration: 1,
  }));
}

describe('nftables numgen shares', () => {
  const flows = flowsTo(ip('10.96.0.1'), FLOWS);
  for (let e = 2; e <= 10; e++) {
    it(`pass the chi-square test with E=${e} (p > 0.001)`, () => {
      const endpoints = Array.from({ length: e }, (_, i) => ({ ip: `10.244.0.${i + 1}`, port: 80 }));
      const cluster = makeCluster([makeService({ name: 'a/b:http', clusterIP: '10.96.0.1', port: 80, endpoints })]);
      const counts = new Array<number>(e).fill(0);
      for (const d of new NftablesWasmEngine(cluster, { build: 'simd', seed: 1000 + e }).decide(flows)) counts[d.endpoint]!++;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(FLOWS);
      expect(uniformChiSquareP(counts), `counts ${counts.join(',')}`).toBeGreaterThan(0.001);
    });
  }
});

describe('nftables with 1 of 3 endpoints not serving', () => {
  it('delivers about a third of new flows to the dead endpoint (they fail)', () => {
    const cluster = makeCluster([
      makeService({
        name: 'a/b:http', clusterIP: '10.96.0.1', port: 80,
        endpoints: [{ ip: '10.244.0.1', port: 80 }, { ip: '10.244.0.2', port: 80, serving: false }, { ip: '10.244.0.3', port: 80 }],
      }),
    ]);
    const n = 30_000;
    const decisions = new NftablesWasmEngine(cluster, { build: 'scalar', seed: 7 }).decide(flowsTo(ip('10.96.0.1'), n));
    const endpoints = cluster.services[0]!.endpoints;
    const failed = decisions.filter((d) => d.verdict === 'dnat' && !endpoints[d.endpoint]!.serving).length;
    const sigma = Math.sqrt(n * (1 / 3) * (2 / 3));
    expect(Math.abs(failed - n / 3)).toBeLessThan(5 * sigma);
    expect(decisions.every((d) => d.extra === 0)).toBe(true);
  });
});
