// Compares a head report with a base report case by case: tier A (exact counters and digests,
// any difference reported) and tier B (calibration-normalised medians: ratio, bootstrap interval,
// verdict against the run's noise floor). The exit code follows SPEC 5.

import { median } from '../stats/summary.js';
import type { CalibratedCase, CalibratedReport } from './calibrated-report.js';
import { bootstrapRatio, keyOf } from './bootstrap.js';
import { noiseFloor } from './noise-floor.js';
import { exactChanges, type ExactChange } from './tier-a.js';
import { DEFAULT_THRESHOLDS, timedVerdict, type Thresholds, type TimedVerdict } from './thresholds.js';

/** Whether a flagged regression was re-measured (BENCHMARKING 7.3 "confirm before failing"). */
export type Confirmation =
  | { readonly state: 'unconfirmed' }
  | { readonly state: 'confirmed' | 'not-confirmed'; readonly ratio: number; readonly ci95: readonly [number, number]; readonly rounds: number };

/** Tier B of one case. */
export interface TimedComparison {
  /** Medians: `value` in calibration units when the comparison is normalised, else ns/flow. */
  readonly base: { readonly ns: number; readonly value: number };
  readonly head: { readonly ns: number; readonly value: number };
  readonly ratio: number;
  readonly ci95: readonly [number, number];
  readonly verdict: TimedVerdict;
  /** Set for a `regression` verdict. */
  readonly confirmation: Confirmation | null;
}

/** One case of a comparison. */
export interface CaseComparison {
  readonly id: string;
  /** `not-run`: in base only, and head did not ask for its mode or scheduler (a narrowed run). */
  readonly presence: 'both' | 'missing' | 'new' | 'not-run';
  /** Tier A differences; a missing or new case is one change of the field `case`. */
  readonly changes: readonly ExactChange[];
  readonly timed: TimedComparison | null;
}

/** The whole comparison. */
export interface Comparison {
  readonly base: { readonly source: string; readonly commit: string };
  readonly head: { readonly source: string; readonly commit: string };
  /** Whether tier B compares calibration-normalised figures (else raw ns/flow). */
  readonly normalised: boolean;
  /**
   * A/A noise floors (fractions). The gate uses head's, the run being judged (BENCHMARKING 7.3);
   * base's noise already widens the bootstrap interval, and a baseline recorded on a bad day
   * should not blunt every later check.
   */
  readonly noise: { readonly head: number; readonly base: number; readonly gate: number };
  readonly cases: readonly CaseComparison[];
  /** Geometric means over the cases with a timed comparison. */
  readonly geomean: { readonly base: number; readonly head: number; readonly ratio: number; readonly cases: number } | null;
  /** Tier A changes are accepted: the baseline was updated in the same change. */
  readonly baselineUpdated: boolean;
  readonly thresholds: Thresholds;
  readonly notes: readonly string[];
}

/** Options of {@link compareReports}. */
export interface CompareOptions {
  readonly baseSource: string;
  readonly headSource: string;
  readonly baselineUpdated: boolean;
  /** Why the baseline counts as updated or not; noted when tier A changed. */
  readonly baselineReason?: string;
  readonly thresholds?: Thresholds;
  /** Keys the bootstrap streams. @default 0 */
  readonly seed?: number;
}

const MIN_ROUNDS = 2;

function samples(c: CalibratedCase, normalised: boolean): readonly number[] {
  return normalised && c.normalised !== undefined ? c.normalised.rounds : c.nsPerFlow.rounds;
}

function requested(head: CalibratedReport, c: CalibratedCase): boolean {
  return head.workload.modes.includes(c.mode) && (c.scheduler === null || head.workload.schedulers.includes(c.scheduler));
}

/** A timed comparison of two sample sets; null when either has fewer than two rounds. */
export function timedComparison(
  base: { readonly ns: number; readonly rounds: readonly number[] },
  head: { readonly ns: number; readonly rounds: readonly number[] },
  key: number,
  noise: number,
  t: Thresholds,
): TimedComparison | null {
  if (base.rounds.length < MIN_ROUNDS || head.rounds.length < MIN_ROUNDS) return null;
  const est = bootstrapRatio(base.rounds, head.rounds, key);
  if (est === null) return null;
  const verdict = timedVerdict(est.ratio, est.ci95, noise, t);
  return {
    base: { ns: base.ns, value: median(base.rounds) },
    head: { ns: head.ns, value: median(head.rounds) },
    ratio: est.ratio, ci95: est.ci95, verdict,
    confirmation: verdict === 'regression' ? { state: 'unconfirmed' } : null,
  };
}

function geomean(cases: readonly CaseComparison[]): Comparison['geomean'] {
  const timed = cases.map((c) => c.timed).filter((t): t is TimedComparison => t !== null && t.base.value > 0 && t.head.value > 0);
  if (timed.length === 0) return null;
  const gm = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const base = gm(timed.map((t) => t.base.value));
  const head = gm(timed.map((t) => t.head.value));
  return { base, head, ratio: head / base, cases: timed.length };
}

/** Compares `head` with `base`; both must be comparable (see assertComparable). */
export function compareReports(base: CalibratedReport, head: CalibratedReport, o: CompareOptions): Comparison {
  const t = o.thresholds ?? DEFAULT_THRESHOLDS;
  const notes: string[] = [];
  let normalised = base.calibration !== undefined && head.calibration !== undefined;
  if (!normalised) notes.push(`${base.calibration === undefined ? o.baseSource : o.headSource} has no calibration: times are compared as raw ns/flow`);
  else if (base.calibration!.kernel !== head.calibration!.kernel) {
    notes.push(`calibration kernels differ (${base.calibration!.kernel} vs ${head.calibration!.kernel}): times are compared as raw ns/flow`);
    normalised = false;
  }
  if (normalised && ![...base.cases, ...head.cases].every((c) => c.normalised !== undefined)) {
    notes.push('some cases have no normalised figures: times are compared as raw ns/flow');
    normalised = false;
  }
  if (base.env.simd !== head.env.simd) notes.push(`base ran the ${base.env.simd ? 'SIMD' : 'scalar'} build and head the ${head.env.simd ? 'SIMD' : 'scalar'} build`);
  const headById = new Map(head.cases.map((c) => [c.id, c]));
  const baseIds = new Set(base.cases.map((c) => c.id));
  const both = base.cases.filter((c) => headById.has(c.id));
  const noiseHead = noiseFloor(both.map((c) => samples(headById.get(c.id)!, normalised)));
  const noiseBase = noiseFloor(both.map((c) => samples(c, normalised)));
  const gate = noiseHead;
  const cases: CaseComparison[] = [];
  for (const b of base.cases) {
    const h = headById.get(b.id);
    if (h === undefined) {
      const missing = requested(head, b);
      cases.push({ id: b.id, presence: missing ? 'missing' : 'not-run', changes: missing ? [{ field: 'case', base: 'present', head: 'missing' }] : [], timed: null });
      continue;
    }
    const timed = timedComparison(
      { ns: b.nsPerFlow.median, rounds: samples(b, normalised) }, { ns: h.nsPerFlow.median, rounds: samples(h, normalised) },
      keyOf(b.id, o.seed ?? 0), gate, t,
    );
    cases.push({ id: b.id, presence: 'both', changes: exactChanges(b, h), timed });
  }
  for (const h of head.cases) {
    if (!baseIds.has(h.id)) cases.push({ id: h.id, presence: 'new', changes: [{ field: 'case', base: 'missing', head: 'present' }], timed: null });
  }
  if (o.baselineReason !== undefined && cases.some((c) => c.changes.length > 0)) {
    notes.push(`baseline ${o.baselineUpdated ? 'updated in this change' : 'not updated'}: ${o.baselineReason}`);
  }
  return {
    base: { source: o.baseSource, commit: base.env.commit }, head: { source: o.headSource, commit: head.env.commit },
    normalised, noise: { head: noiseHead, base: noiseBase, gate }, cases, geomean: geomean(cases),
    baselineUpdated: o.baselineUpdated, thresholds: t, notes,
  };
}

/** The verdict after confirmation: a regression a re-run did not reproduce is only a warning. */
export function effectiveVerdict(t: TimedComparison): TimedVerdict {
  return t.verdict === 'regression' && t.confirmation?.state === 'not-confirmed' ? 'warning' : t.verdict;
}

/** Cases whose timed verdict is a regression still standing (confirmed or not re-runnable). */
export function regressions(c: Comparison): CaseComparison[] {
  return c.cases.filter((x) => x.timed !== null && effectiveVerdict(x.timed) === 'regression');
}

/** Cases with tier A changes. */
export function exactChangesOf(c: Comparison): CaseComparison[] {
  return c.cases.filter((x) => x.changes.length > 0);
}

/**
 * The exit code (SPEC 5): 3 for tier A changes the baseline does not account for, else 1 for a
 * standing timed regression, else 0 (warnings included).
 */
export function exitCodeOf(c: Comparison): 0 | 1 | 3 {
  if (!c.baselineUpdated && exactChangesOf(c).length > 0) return 3;
  return regressions(c).length > 0 ? 1 : 0;
}

/**
 * Records a re-run of a flagged case (2× the rounds, its own calibration): it is compared with
 * base again against the same noise floor, and the regression stands only if the re-run gives a
 * regression verdict too.
 */
export function withRerun(c: Comparison, base: CalibratedReport, rerun: CalibratedCase): Comparison {
  const b = base.cases.find((x) => x.id === rerun.id);
  return {
    ...c,
    cases: c.cases.map((x) => {
      if (x.id !== rerun.id || x.timed === null || x.timed.verdict !== 'regression' || b === undefined) return x;
      // A normalised comparison needs a normalised re-run: mixing units would make the ratio meaningless.
      const again = c.normalised && rerun.normalised === undefined
        ? null
        : timedComparison(
          { ns: b.nsPerFlow.median, rounds: samples(b, c.normalised) }, { ns: rerun.nsPerFlow.median, rounds: samples(rerun, c.normalised) },
          keyOf(`${rerun.id}#rerun`), c.noise.gate, c.thresholds,
        );
      const confirmation: Confirmation = again === null
        ? { state: 'unconfirmed' }
        : { state: again.verdict === 'regression' ? 'confirmed' : 'not-confirmed', ratio: again.ratio, ci95: again.ci95, rounds: samples(rerun, c.normalised).length };
      return { ...x, timed: { ...x.timed, confirmation } };
    }),
  };
}
