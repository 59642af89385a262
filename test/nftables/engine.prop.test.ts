// The nftables WASM engine (scalar and SIMD builds) decides exactly as the reference engine, on
// arbitrary clusters and flows, across batch boundaries and across decide() calls.

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { NftablesWasmEngine } from '../../src/engines/nftables-wasm.js';
import { NftablesReferenceEngine } from '../../src/engines/reference/nftables.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows } from '../../src/gen/flows.js';
import type { WasmBuild } from '../../src/wasm/loader.js';
import { arbitraryCluster, arbitraryFlows } from '../helpers/service-arbitraries.js';

const BUILDS: readonly WasmBuild[] = ['scalar', 'simd'];

describe.each(BUILDS)('NftablesWasmEngine (%s)', (build) => {
  test.prop([arbitraryCluster, arbitraryFlows(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 60 })], { numRuns: 150 })(
    'equals the reference on arbitrary clusters and flows',
    (cluster, flows, seed, split) => {
      const wasm = new NftablesWasmEngine(cluster, { build, seed, batchSize: 7 });
      const ref = new NftablesReferenceEngine(cluster, { seed });
      const got = [...wasm.decide(flows.slice(0, split)), ...wasm.decide(flows.slice(split))];
      expect(got).toEqual(ref.decide(flows));
    },
  );

  test('equals the reference while affinity sets rebuild and grow (many clients, short timeouts)', () => {
    const cluster = syntheticCluster({ services: 50, seed: 3, affinityFraction: 1, nodePortFraction: 0.5, deadFraction: 0.2 });
    const withTimeouts = { ...cluster, services: cluster.services.map((s, i) => ({ ...s, affinityTimeout: i % 2 === 0 ? 2 : 10800 })) };
    const flows = syntheticFlows(withTimeouts, 0, 30_000, { seed: 9, clients: 3000, rate: 2000, miss: 0.05 });
    const wasm = new NftablesWasmEngine(withTimeouts, { build, seed: 5 });
    const ref = new NftablesReferenceEngine(withTimeouts, { seed: 5 });
    expect(wasm.decide(flows)).toEqual(ref.decide(flows));
  });
});
