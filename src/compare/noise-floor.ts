// The run's own noise floor (BENCHMARKING 7.3, A/A calibration): each case's rounds split into two
// interleaved halves (even and odd rounds) are the same code measured twice, so the ratio of their
// medians is pure noise. Pooled over the cases it says how far apart two identical measurements
// land on this machine today; a timed failure must stand well clear of it.

import { median } from '../stats/summary.js';

/** median(even rounds) ÷ median(odd rounds) of one case; null with fewer than two rounds. */
export function aaRatio(rounds: readonly number[]): number | null {
  if (rounds.length < 2) return null;
  const even = rounds.filter((_, i) => i % 2 === 0);
  const odd = rounds.filter((_, i) => i % 2 === 1);
  const mo = median(odd);
  const me = median(even);
  return mo > 0 && me > 0 ? me / mo : null;
}

/**
 * The typical A/A deviation over cases, as a fraction: exp(median |ln ratio|) − 1. The median over
 * cases keeps one case hit by a burst of load from raising the floor for all the others.
 * @returns 0 when no case has two rounds
 */
export function noiseFloor(roundSets: ReadonlyArray<readonly number[]>): number {
  const logs = roundSets.map(aaRatio).filter((r): r is number => r !== null).map((r) => Math.abs(Math.log(r)));
  return logs.length === 0 ? 0 : Math.expm1(median(logs));
}
