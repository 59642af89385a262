// The WASM boundary of the nftables and userspace engines: host and module agree on the service-image
// strides; a loaded batch runs many times (reset in between gives identical results); results stay
// readable after memory grows.

import { describe, expect, it } from 'vitest';
import { NftablesWasmEngine } from '../../src/engines/nftables-wasm.js';
import { UserspaceWasmEngine } from '../../src/engines/userspace-wasm.js';
import { EP_STRIDE, SVC_STRIDE } from '../../src/engines/service-image.js';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { syntheticFlows } from '../../src/gen/flows.js';
import { instantiate } from '../../src/wasm/loader.js';

const cluster = syntheticCluster({ services: 200, seed: 1, affinityFraction: 0.5, nodePortFraction: 0.2, deadFraction: 0.2 });
const flows = syntheticFlows(cluster, 0, 5000, { seed: 2, clients: 500, miss: 0.1 });

describe('service image layout', () => {
  it('matches the module', () => {
    const x = instantiate('scalar');
    expect([x.serviceImageServiceStride(), x.serviceImageEndpointStride()]).toEqual([SVC_STRIDE, EP_STRIDE]);
  });
});

describe.each([
  ['nftables', () => new NftablesWasmEngine(cluster, { build: 'simd', seed: 3 })],
  ['userspace', () => new UserspaceWasmEngine(cluster, { build: 'simd' })],
] as const)('%s low-level batch API', (_mode, make) => {
  it('runs a loaded batch again after reset() with identical results, equal to decide()', () => {
    const engine = make();
    const batch = engine.loadBatch(flows);
    engine.runBatch(batch);
    const first = engine.batchResults(batch);
    engine.reset();
    engine.runBatch(batch);
    expect(engine.batchResults(batch)).toEqual(first);
    expect(make().decide(flows)).toEqual(first);
  });

  it('keeps deciding correctly after memory grows between batches', () => {
    const engine = make();
    const reference = make().decide(flows);
    const head = engine.decide(flows.slice(0, 2500));
    engine.loadBatch(syntheticFlows(cluster, 0, 200_000, { seed: 5 })); // ~13 MB more: memory grows
    expect([...head, ...engine.decide(flows.slice(2500))]).toEqual(reference);
  });
});
