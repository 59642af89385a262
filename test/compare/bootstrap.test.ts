import { describe, expect, it } from 'vitest';
import { bootstrapRatio, keyOf, quantileSorted } from '../../src/compare/bootstrap.js';

describe('quantileSorted()', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20], 0.25)).toBe(12.5);
    expect(quantileSorted([7], 0.975)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('bootstrapRatio()', () => {
  const base = [100, 102, 98, 101, 99, 100.5, 99.5, 101.5, 98.5, 100];

  it('gives ratio 1 and an interval around it for the same samples', () => {
    const r = bootstrapRatio(base, base, keyOf('x'))!;
    expect(r.ratio).toBe(1);
    expect(r.ci95[0]).toBeLessThanOrEqual(1);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(1);
    expect(r.ci95[1] - r.ci95[0]).toBeLessThan(0.05);
  });

  it('brackets a known shift', () => {
    const r = bootstrapRatio(base, base.map((x) => x * 1.4), keyOf('y'))!;
    expect(r.ratio).toBeCloseTo(1.4, 10);
    expect(r.ci95[0]).toBeGreaterThan(1.33);
    expect(r.ci95[1]).toBeLessThan(1.47);
    expect(r.ci95[0]).toBeLessThanOrEqual(r.ratio);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(r.ratio);
  });

  it('is reproducible for a key and differs across keys', () => {
    const head = base.map((x, i) => x * (1 + 0.05 * Math.sin(i)));
    expect(bootstrapRatio(base, head, 42)).toEqual(bootstrapRatio(base, head, 42));
    expect(bootstrapRatio(base, head, 42)).not.toEqual(bootstrapRatio(base, head, 43));
  });

  it('widens with noisier rounds', () => {
    const noisy = base.map((x, i) => x * (i % 2 === 0 ? 1.1 : 0.9));
    const quiet = bootstrapRatio(base, base, 1)!;
    const loud = bootstrapRatio(base, noisy, 1)!;
    expect(loud.ci95[1] - loud.ci95[0]).toBeGreaterThan(3 * (quiet.ci95[1] - quiet.ci95[0]));
  });

  it('returns null without samples or with a zero base', () => {
    expect(bootstrapRatio([], base, 1)).toBeNull();
    expect(bootstrapRatio(base, [], 1)).toBeNull();
    expect(bootstrapRatio([0, 0, 0], base, 1)).toBeNull();
  });
});
