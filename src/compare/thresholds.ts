// The timed gate's thresholds (BENCHMARKING 7.4) and the verdict they give a ratio. Shared runners
// only resolve large effects, so a failure needs a large ratio, an interval clear of 10% and of
// three times the run's own noise floor; smaller shifts are at most a warning.

/** Verdict of one case's timed comparison. */
export type TimedVerdict = 'unchanged' | 'faster' | 'noise' | 'warning' | 'regression';

/** Thresholds as fractions of the base (0.03 = 3%). */
export interface Thresholds {
  /** |ratio − 1| at or below this: "no change". @default 0.03 */
  readonly unchanged: number;
  /** A warning from this ratio − 1 … @default 0.10 */
  readonly warn: number;
  /** … when the interval's lower bound − 1 is above this. @default 0.03 */
  readonly warnLower: number;
  /** A failure from this ratio − 1 … @default 0.25 */
  readonly fail: number;
  /** … when the interval's lower bound − 1 is above this … @default 0.10 */
  readonly failLower: number;
  /** … and above this multiple of the noise floor. @default 3 */
  readonly noiseMultiple: number;
}

/** The defaults of BENCHMARKING 7.4. */
export const DEFAULT_THRESHOLDS: Thresholds = { unchanged: 0.03, warn: 0.1, warnLower: 0.03, fail: 0.25, failLower: 0.1, noiseMultiple: 3 };

/**
 * The verdict for a head/base ratio with its 95% interval, given the run's noise floor.
 * "faster" mirrors "warning": ratio ≤ 1/1.10 with the interval's upper bound below 1/1.03.
 */
export function timedVerdict(ratio: number, ci95: readonly [number, number], noise: number, t: Thresholds = DEFAULT_THRESHOLDS): TimedVerdict {
  const [lo, hi] = ci95;
  if (ratio >= 1 + t.fail && lo > 1 + t.failLower && lo - 1 > t.noiseMultiple * noise) return 'regression';
  if (ratio >= 1 + t.warn && lo > 1 + t.warnLower) return 'warning';
  if (Math.abs(ratio - 1) <= t.unchanged + 1e-12) return 'unchanged'; // 0.97 − 1 is −0.030000000000000027 in binary
  if (ratio <= 1 / (1 + t.warn) && hi < 1 / (1 + t.warnLower)) return 'faster';
  return 'noise';
}
