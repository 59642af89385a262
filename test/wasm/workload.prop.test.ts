// SPEC 2.2 / DESIGN 3: the WASM generator equals the TypeScript workload bit for bit, for any
// seed, parameters and shard split; flow i depends only on (seed, i).
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { instantiate, type WasmBuild } from '../../src/wasm/loader.js';
import { WasmWorkload } from '../../src/wasm/workload.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows, type WorkloadOptions, type WorkloadFlow } from '../../src/gen/flows.js';
import { lnScaled62 } from '../../src/gen/detln.js';
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

  it('lnScaled62 matches Math.log to 1e-12 relative', () => {
    for (const x of [1, 2, 3, 1000, 0x7fffffff, 2 ** 31, 2 ** 52 + 1, 123456789 * 987654321, (2 ** 31 - 1) ** 2, 2 ** 62 - 2 ** 10]) {
      const exact = Math.log(x) - 62 * Math.LN2;
      expect(Math.abs(lnScaled62(x) - exact)).toBeLessThan(1e-12 * Math.max(1, Math.abs(exact)));
    }
  });
});
