// SPEC 6 / issue 7: WASM memory growth failure becomes a clean limit error, not a crash.
import { describe, expect, it } from 'vitest';
import { instantiate } from '../../src/wasm/loader.js';
import { KpbenchError } from '../../src/errors.js';

describe('instantiate().alloc', () => {
  it('refuses an allocation beyond the 4 GiB wasm32 limit with KPB_ERR_LIMIT and the limit named', () => {
    const x = instantiate('scalar');
    let error: unknown;
    try {
      x.alloc(0x7fff0000);
      x.alloc(0x7fff0000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KpbenchError);
    expect((error as KpbenchError).code).toBe('KPB_ERR_LIMIT');
    expect((error as Error).message).toMatch(/WASM memory exhausted: .* at most 4 GiB/);
  });

  it('still allocates normally', () => {
    const x = instantiate('simd');
    const a = x.alloc(1024);
    const b = x.alloc(1024);
    expect(b - a).toBeGreaterThanOrEqual(1024);
  });
});
