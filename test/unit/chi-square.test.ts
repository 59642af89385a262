// The chi-square survival function against closed forms and textbook critical values.

import { describe, expect, it } from 'vitest';
import { chiSquareStatistic, chiSquareSurvival } from '../helpers/chi-square.js';

describe('chiSquareSurvival()', () => {
  it('matches the closed forms for 2, 4 and 6 degrees of freedom', () => {
    for (const x of [0.01, 0.5, 1, 2, 5, 10, 20, 40, 80]) {
      const h = x / 2;
      expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-h), 12);
      expect(chiSquareSurvival(x, 4)).toBeCloseTo(Math.exp(-h) * (1 + h), 12);
      expect(chiSquareSurvival(x, 6)).toBeCloseTo(Math.exp(-h) * (1 + h + (h * h) / 2), 12);
    }
  });

  it('gives the textbook critical values', () => {
    const cases: [x: number, k: number, p: number][] = [
      [3.841458820694124, 1, 0.05],
      [6.634896601021214, 1, 0.01],
      [10.827566170662733, 1, 0.001],
      [5.991464547107979, 2, 0.05],
      [18.307038053275146, 10, 0.05],
      [27.877164871256568, 9, 0.001],
      [124.34211340400407, 100, 0.05],
    ];
    for (const [x, k, p] of cases) expect(chiSquareSurvival(x, k)).toBeCloseTo(p, 9);
  });

  it('is 1 at 0 and decreasing', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(3, 3)).toBeGreaterThan(chiSquareSurvival(4, 3));
  });
});

describe('chiSquareStatistic()', () => {
  it('sums (O − E)² / E', () => {
    expect(chiSquareStatistic([10, 20, 30], [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(10, 12);
  });
});
