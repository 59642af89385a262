// The calibration kernel does the whole fixed work (the WASM result equals a TypeScript model of
// it) and the host turns its time into a positive ns-per-unit figure.

import { describe, expect, it } from 'vitest';
import { mix32 } from '../../src/gen/counter-random.js';
import { instantiate } from '../../src/wasm/loader.js';
import { Calibrator, CALIBRATION_KERNEL } from '../../src/run/calibrate.js';

/** The kernel in TypeScript: a mix32 chain over the fixed 1 MiB pattern. */
function modelKernel(passes: number, seed: number): number {
  const words = 1 << 18;
  const buf = new Uint32Array(words);
  for (let i = 0; i < words; i++) buf[i] = mix32((i ^ 0x5bd1e995) >>> 0);
  let acc = seed >>> 0;
  for (let p = 0; p < passes; p++) for (let i = 0; i < words; i++) acc = mix32((acc ^ buf[i]!) >>> 0);
  return acc;
}

describe('calibration kernel', () => {
  it.each(['scalar', 'simd'] as const)('computes the model chain in the %s build', (build) => {
    const x = instantiate(build);
    expect(x.calibrateWords()).toBe(1 << 18);
    expect(x.calibrateRun(2, 7) >>> 0).toBe(modelKernel(2, 7));
  });

  it('yields samples and a positive ns per unit', () => {
    const c = new Calibrator('scalar');
    c.sample(5);
    const r = c.result();
    expect(r.kernel).toBe(CALIBRATION_KERNEL);
    expect(r.samples).toHaveLength(5);
    expect(r.nsPerUnit).toBeGreaterThan(0);
    expect(r.nsPerUnit).toBeLessThan(1000);
  });
});
