// SPEC 2.2 / DESIGN 3: the WASM generator equals the TypeScript workload bit for bit, for any
// seed, parameters and shard split; flow i depends only on (seed, i).
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { instantiate, type WasmBuild } from '../../src/wasm/loader.js';
import { WasmWorkload } from '../../src/wasm/workload.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows, type WorkloadOptions, type WorkloadFlow } from '../../src/gen/flows.js';
import { lnScaled62f } from '../../src/gen/detln.js';
import { mix32 } from '../../src/gen/counter-random.js';
import { chiSquareStatistic, chiSquareSurvival } from '../helpers/chi-square.js';
import * as L from '../../src/wasm/layout.js';
import { PROTOCOL_NUMBER } from '../../src/model/cluster.js';

function wasmFlows(build: WasmBuild, services: number, o: WorkloadOptions, first: number, count: number, shard: number, shards: number) {
  const x = instantiate(build);
  const cluster = syntheticCluster({ services, seed: 7, udpFraction: 0.3 });
  const gen = new WasmWorkload(x, cluster, o);
  const out = x.alloc(count * L.FLOW_STRIDE);
  const n = gen.generate(first, count, shard, shards, out);
  const dv = new DataView(x.memory.buffer);
  const rows = [];
  for (let k = 0; k < n; k++) {
    const f = out + k * L.FLOW_STRIDE;
    rows.push([dv.getUint32(f + L.FLOW_INDEX, true), dv.getUint32(f + L.FLOW_SRC_IP, true), dv.getUint16(f + L.FLOW_SRC_PORT, true),
      dv.getUint32(f + L.FLOW_DST_IP, true), dv.getUint16(f + L.FLOW_DST_PORT, true), dv.getUint32(f + L.FLOW_PROTO, true),
      dv.getFloat64(f + L.FLOW_START, true), dv.getFloat64(f + L.FLOW_DURATION, true), dv.getUint32(f + L.FLOW_PACKETS, true)]);
  }
  return { cluster, rows };
}

const asRow = (f: WorkloadFlow) => [f.index, f.src, f.sport, f.dst, f.dport, PROTOCOL_NUMBER[f.proto], f.start, f.duration, f.packets];

describe('WASM workload generator', () => {
  test.prop([
    fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 1, max: 100000 }), fc.option(fc.double({ min: 0.2, max: 2, noNaN: true }), { nil: undefined }),
    fc.double({ min: 1, max: 50, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom<WasmBuild>('scalar', 'simd'),
  ], { numRuns: 60 })('equals the TypeScript workload for any parameters and shard', (seed, services, miss, clients, zipf, packets, first, shards, build) => {
    const o: WorkloadOptions = { seed, miss, clients, packets, rate: 20000, duration: 1.5, popularity: zipf === undefined ? { kind: 'uniform' } : { kind: 'zipf', s: zipf } };
    const shard = seed % shards;
    const { cluster, rows } = wasmFlows(build, services, o, first, 500, shard, shards);
    expect(rows).toEqual(syntheticFlows(cluster, first, 500, o, shard, shards).map(asRow));
  });

  it('writes batches of every length up to three vector steps (the tails) as the reference does', () => {
    // all four loop instantiations: uniform or zipf popularity, with and without misses
    const zipf = { kind: 'zipf', s: 1.2 } as const;
    for (const o of [{ seed: 5 }, { seed: 6, miss: 0.3, popularity: zipf }, { seed: 7, popularity: zipf }, { seed: 8, miss: 0.3 }] satisfies WorkloadOptions[]) {
      for (let count = 0; count <= 36; count++) {
        for (const shards of [1, 2]) {
          const { cluster, rows } = wasmFlows('simd', 37, o, 1000 + count, count, count % shards, shards);
          expect(rows).toEqual(syntheticFlows(cluster, 1000 + count, count, o, count % shards, shards).map(asRow));
        }
      }
    }
  });

  it('partitions flows: the shards of a split together hold every flow exactly once', () => {
    const o: WorkloadOptions = { seed: 3, miss: 0.05 };
    const all = [0, 1, 2].flatMap((s) => wasmFlows('scalar', 100, o, 0, 3000, s, 3).rows.map((r) => r[0]));
    expect(all.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('has the workload\'s distributions: misses, mean duration and mean packets', () => {
    const cluster = syntheticCluster({ services: 50, seed: 1 });
    const flows = syntheticFlows(cluster, 0, 100000, { seed: 9, miss: 0.05, duration: 2, packets: 10 });
    const misses = flows.filter((f) => f.dst >>> 8 === 0xcb0071).length / flows.length;
    const meanDuration = flows.reduce((a, f) => a + f.duration, 0) / flows.length;
    const meanPackets = flows.reduce((a, f) => a + f.packets, 0) / flows.length;
    expect(misses).toBeGreaterThan(0.045);
    expect(misses).toBeLessThan(0.055);
    expect(meanDuration).toBeGreaterThan(1.96);
    expect(meanDuration).toBeLessThan(2.04);
    expect(meanPackets).toBeGreaterThan(9.85);
    expect(meanPackets).toBeLessThan(10.15);
  });

  it('draws duration and packets independently: one Gamma(2) split at a uniform point', () => {
    const cluster = syntheticCluster({ services: 50, seed: 1 });
    const flows = syntheticFlows(cluster, 0, 100000, { seed: 4, duration: 2, packets: 10 });
    const n = flows.length;
    const md = flows.reduce((a, f) => a + f.duration, 0) / n;
    const mp = flows.reduce((a, f) => a + f.packets, 0) / n;
    const vd = flows.reduce((a, f) => a + (f.duration - md) ** 2, 0) / n;
    const vp = flows.reduce((a, f) => a + (f.packets - mp) ** 2, 0) / n;
    const cov = flows.reduce((a, f) => a + (f.duration - md) * (f.packets - mp), 0) / n;
    expect(vd / md ** 2).toBeGreaterThan(0.95); // exponential: variance = mean²
    expect(vd / md ** 2).toBeLessThan(1.05);
    expect(vp / (mp * (mp - 1))).toBeGreaterThan(0.95); // geometric on 1, 2, …: variance = m(m − 1)
    expect(vp / (mp * (mp - 1))).toBeLessThan(1.05);
    expect(Math.abs(cov / Math.sqrt(vd * vp))).toBeLessThan(0.015);
  });

  it('lnScaled62f matches Math.log of its f32 argument to 2.5e-7 relative (about two f32 ulps)', () => {
    let worst = 0;
    const check = (x: number): void => {
      const exact = Math.log(x) - 62 * Math.LN2;
      if (exact === 0) expect(lnScaled62f(x)).toBe(0);
      else worst = Math.max(worst, Math.abs(lnScaled62f(x) - exact) / Math.abs(exact));
    };
    for (const x of [1, 2, 3, 1000, 0x7fffffff, 2 ** 31, 2 ** 52 + 1, 123456789 * 987654321, (2 ** 31 - 1) ** 2, 2 ** 62 - 2 ** 40]) check(Math.fround(x));
    for (let k = 0; k < 200000; k++) {
      // f32 values spread over every binade of [1, 2^62]: mantissa and exponent from two hashes
      check(Math.fround((1 + mix32(2 * k) / 2 ** 32) * 2 ** (mix32(2 * k + 1) % 62)));
    }
    expect(worst).toBeLessThan(2.5e-7);
    expect(lnScaled62f(2 ** 62)).toBe(0);
  });

  it('draws zipf popularity with shares 1/(k+1)^s (the alias table)', () => {
    // a steep exponent over few services leaves most buckets to their alias: the case a wrong threshold shows in
    for (const [services, exponent] of [[50, 1.1], [7, 0.6], [3, 2.5]] as const) {
      const cluster = syntheticCluster({ services, seed: 2 });
      const flows = syntheticFlows(cluster, 0, 100000, { seed: 8, popularity: { kind: 'zipf', s: exponent } });
      const index = new Map(cluster.services.map((s, k) => [s.clusterIP, k]));
      const counts = new Array<number>(services).fill(0);
      for (const f of flows) counts[index.get(f.dst)!]!++;
      const weights = counts.map((_, k) => 1 / (k + 1) ** exponent);
      const total = weights.reduce((x, y) => x + y, 0);
      expect(chiSquareSurvival(chiSquareStatistic(counts, weights.map((w) => w / total)), services - 1)).toBeGreaterThan(1e-4);
    }
  });

  // The draw words are one multiply apart (x = a·M): each field must still be uniform on its own
  // and show no dependence on any other field of the same flow.
  it('draws every field uniformly and independently of the others', () => {
    const services = 1000;
    const o: WorkloadOptions = { seed: 21, miss: 0.5, clients: 1000, rate: 1000, duration: 1, packets: 2 };
    const cluster = syntheticCluster({ services, seed: 1 });
    const flows = syntheticFlows(cluster, 0, 160000, o);
    const B = 8;
    const bin = (u: number): number => Math.min(B - 1, Math.floor(u * B));
    const fields: Record<string, (f: WorkloadFlow) => number> = {
      service: (f) => bin(f.dst >>> 8 === 0xcb0071 ? 0 : (cluster.services.findIndex((s) => s.clusterIP === f.dst) + 0.5) / services),
      miss: (f) => (f.dst >>> 8 === 0xcb0071 ? 1 : 0),
      client: (f) => bin(((f.src - 0x0afa0000) + 0.5) / 1000),
      sport: (f) => bin((f.sport - 1024 + 0.5) / 64512),
      arrival: (f) => bin(f.start * o.rate! - f.index + 1e-9),
      duration: (f) => bin(1 - Math.exp(-f.duration)), // uniform when exponential with mean 1
      packets: (f) => Math.min(f.packets, 6) - 1, // geometric, p = ½
    };
    const names = Object.keys(fields);
    const values = names.map((n) => Int32Array.from(flows, fields[n]!));
    const byName = (n: string): Int32Array => values[names.indexOf(n)]!;
    const hits = flows.map((f) => f.dst >>> 8 !== 0xcb0071);
    const pValues: Record<string, number> = {};
    // Marginals: each field against its distribution (service only over hits).
    const marginal = (name: string, p: number[], keep: (k: number) => boolean = () => true): void => {
      const counts = new Array<number>(p.length).fill(0);
      byName(name).forEach((v, k) => { if (keep(k)) counts[v]!++; });
      pValues[name] = chiSquareSurvival(chiSquareStatistic(counts, p), p.length - 1);
    };
    const uniform = new Array<number>(B).fill(1 / B);
    marginal('service', uniform, (k) => hits[k]!);
    for (const n of ['client', 'arrival', 'duration']) marginal(n, uniform);
    // sport = 1024 + r % 64512 for a 16-bit r: ports 1024…2047 come from two values of r
    const sportP = new Array<number>(B).fill(0);
    for (let r = 0; r < 65536; r++) sportP[bin(((r % 64512) + 0.5) / 64512)]! += 1 / 65536;
    marginal('sport', sportP);
    marginal('miss', [0.5, 0.5]);
    marginal('packets', [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125]);
    // Pairs: contingency tables against the product of their margins.
    for (let x = 0; x < names.length; x++) {
      for (let y = x + 1; y < names.length; y++) {
        const [nx, ny] = [names[x]!, names[y]!];
        if ((nx === 'service' || ny === 'service') && (nx === 'miss' || ny === 'miss')) continue; // service is only drawn for hits
        const keep = (k: number): boolean => (nx !== 'service' && ny !== 'service') || hits[k]!;
        const table = new Map<number, number>();
        const rows = new Map<number, number>();
        const cols = new Map<number, number>();
        let total = 0;
        for (let k = 0; k < flows.length; k++) {
          if (!keep(k)) continue;
          const [a, b] = [values[x]![k]!, values[y]![k]!];
          table.set(a * 64 + b, (table.get(a * 64 + b) ?? 0) + 1);
          rows.set(a, (rows.get(a) ?? 0) + 1);
          cols.set(b, (cols.get(b) ?? 0) + 1);
          total++;
        }
        const observed: number[] = [];
        const expected: number[] = [];
        for (const [a, ra] of rows) for (const [b, cb] of cols) {
          observed.push(table.get(a * 64 + b) ?? 0);
          expected.push((ra * cb) / total);
        }
        const df = (rows.size - 1) * (cols.size - 1);
        pValues[`${nx}×${ny}`] = chiSquareSurvival(chiSquareStatistic(observed, expected.map((e) => e / total)), df);
      }
    }
    const failed = Object.entries(pValues).filter(([, pv]) => pv < 1e-4);
    expect(failed).toEqual([]);
  });
});
