// STYLE 4: the host's copies of the shared record layouts agree with the WASM module's, in both builds.
import { describe, expect, it } from 'vitest';
import { instantiate, simdSupported, type WasmBuild } from '../../src/wasm/loader.js';
import { FLOW_STRIDE, RESULT_STRIDE } from '../../src/wasm/layout.js';

describe.each<WasmBuild>(['scalar', 'simd'])('%s build', (build) => {
  it('has the Flow and Result strides the host writes and reads', () => {
    const x = instantiate(build);
    expect(x.layoutFlowStride()).toBe(FLOW_STRIDE);
    expect(x.layoutResultStride()).toBe(RESULT_STRIDE);
  });

  it('reports whether it was built with SIMD', () => {
    expect(instantiate(build).simdEnabled()).toBe(build === 'simd' ? 1 : 0);
  });
});

describe('simdSupported()', () => {
  it('is true on Node 20 (V8 runs WASM SIMD without flags)', () => {
    expect(simdSupported()).toBe(true);
  });
});
