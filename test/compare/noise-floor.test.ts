import { describe, expect, it } from 'vitest';
import { aaRatio, noiseFloor } from '../../src/compare/noise-floor.js';

describe('aaRatio()', () => {
  it('divides the median of even rounds by the median of odd rounds', () => {
    expect(aaRatio([110, 100, 110, 100, 110])).toBeCloseTo(1.1, 12);
    expect(aaRatio([5, 5])).toBe(1);
  });
  it('is null with fewer than two rounds or zero times', () => {
    expect(aaRatio([5])).toBeNull();
    expect(aaRatio([0, 0, 0])).toBeNull();
  });
});

describe('noiseFloor()', () => {
  it('is zero for perfectly repeatable rounds', () => {
    expect(noiseFloor([[3, 3, 3, 3], [7, 7, 7]])).toBe(0);
  });
  it('measures the typical half-against-half deviation', () => {
    // Each case alternates ±5% between rounds: the interleaved halves differ by 1.05/0.95.
    const floor = noiseFloor([[105, 95, 105, 95, 105], [210, 190, 210, 190], [52.5, 47.5, 52.5, 47.5]]);
    expect(floor).toBeCloseTo(1.05 / 0.95 - 1, 10);
  });
  it('is robust to one case hit by a burst of load', () => {
    const quiet = [100, 101, 100, 101, 100];
    expect(noiseFloor([quiet, quiet, quiet, [100, 300, 100, 300, 100]])).toBeCloseTo(0.01, 10);
  });
  it('is zero when no case has two rounds', () => {
    expect(noiseFloor([[1], []])).toBe(0);
  });
});
