// The verdict maps (wasm/assembly/maps/bucket-map.ts) at a load where many home buckets are full:
// 3,000 service ports fill 1,024 four-slot buckets to 0.73, so hundreds of keys live in a later
// bucket and many misses walk past full buckets. Both builds (v128 and scalar bucket compares)
// decide exactly as the reference, including NodePorts, services without endpoints and misses.

import { describe, expect, it } from 'vitest';
import { NftablesWasmEngine } from '../../src/engines/nftables-wasm.js';
import { NftablesReferenceEngine } from '../../src/engines/reference/nftables.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows } from '../../src/gen/flows.js';

const cluster = syntheticCluster({ services: 3000, seed: 11, endpoints: { lo: 0, hi: 4 }, affinityFraction: 0.2, nodePortFraction: 0.5, deadFraction: 0.2 });
const flows = syntheticFlows(cluster, 0, 40_000, { seed: 12, clients: 2000, miss: 0.2 });

describe.each(['scalar', 'simd'] as const)('nftables verdict maps with overflowing buckets (%s)', (build) => {
  it('equal the reference on every flow', () => {
    const wasm = new NftablesWasmEngine(cluster, { build, seed: 13 });
    const ref = new NftablesReferenceEngine(cluster, { seed: 13 });
    const got = wasm.decide(flows);
    expect(got).toEqual(ref.decide(flows));
    const verdicts = new Set(got.map((d) => d.verdict));
    expect([...verdicts].sort()).toEqual(['dnat', 'nomatch', 'reject']);
  });
});
