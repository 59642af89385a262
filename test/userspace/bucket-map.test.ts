// The listener table (wasm/assembly/maps/bucket-map.ts) at a load where many home buckets are full:
// 3,000 service ports and ~1,500 NodePorts fill 2,048 four-slot buckets to 0.55, so over a hundred
// home buckets overflow into later ones and misses walk past full buckets. Both builds (v128 and scalar bucket compares)
// decide exactly as the reference, including NodePorts, services without endpoints and misses.

import { describe, expect, it } from 'vitest';
import { UserspaceWasmEngine } from '../../src/engines/userspace-wasm.js';
import { UserspaceReferenceEngine } from '../../src/engines/reference/userspace.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows } from '../../src/gen/flows.js';

const cluster = syntheticCluster({ services: 3000, seed: 11, endpoints: { lo: 0, hi: 4 }, affinityFraction: 0.2, nodePortFraction: 0.5, deadFraction: 0.2 });
const flows = syntheticFlows(cluster, 0, 40_000, { seed: 12, clients: 2000, miss: 0.2 });

describe.each(['scalar', 'simd'] as const)('userspace listeners with overflowing buckets (%s)', (build) => {
  it('equal the reference on every flow', () => {
    const wasm = new UserspaceWasmEngine(cluster, { build });
    const ref = new UserspaceReferenceEngine(cluster);
    const got = wasm.decide(flows);
    expect(got).toEqual(ref.decide(flows));
    const verdicts = new Set(got.map((d) => d.verdict));
    expect([...verdicts].sort()).toEqual(['dnat', 'nomatch', 'reject']);
  });
});
