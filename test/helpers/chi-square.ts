// Chi-square helpers for share tests, over the implementation the reports use (src/stats).

import { chiSquarePValue, chiSquareStatistic as statistic } from '../../src/stats/chi-square.js';

/** P(X ≥ x) for X ~ χ²(k). */
export const chiSquareSurvival: (x: number, k: number) => number = chiSquarePValue;

/** Pearson's statistic of counts `observed` against probabilities `p` (scaled to the total). */
export function chiSquareStatistic(observed: readonly number[], p: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  return statistic(observed, p.map((q) => q * n));
}
