// The report's calibration additions (SPEC 5 allows additions without a version bump): the run's
// machine-speed index and, per case, ns/flow divided by it. Reading them back checks them as
// untrusted input, like the rest of the report.

import { InputError, type InputProblem } from '../errors.js';
import type { Report, ReportCase } from '../report/json-report.js';
import { parseReport } from '../report/read-report.js';
import type { Calibration } from '../run/calibrate.js';
import { median } from '../stats/summary.js';

/** A case's timing in calibration units: ns/flow ÷ ns per unit ("words hashed per flow"). */
export interface NormalisedFigures {
  readonly median: number;
  /** Per-round values, the samples the comparison's bootstrap resamples. */
  readonly rounds: readonly number[];
}

/** A report case, normalised when its run was calibrated. */
export type CalibratedCase = ReportCase & { readonly normalised?: NormalisedFigures };

/** A report with its run's calibration (absent in merged or older reports). */
export type CalibratedReport = Omit<Report, 'cases'> & {
  readonly calibration?: Calibration;
  readonly cases: readonly CalibratedCase[];
};

const sig = (x: number): number => Number(x.toPrecision(6));

/** Adds the calibration and every case's normalised figures to a report; unchanged without one. */
export function withCalibration(report: Report, calibration: Calibration | null): CalibratedReport {
  if (calibration === null || !(calibration.nsPerUnit > 0)) return report;
  return {
    ...report,
    calibration: { kernel: calibration.kernel, nsPerUnit: sig(calibration.nsPerUnit), samples: calibration.samples.map(sig) },
    cases: report.cases.map((c) => normaliseCase(c, calibration)),
  };
}

/** A case with its normalised figures: each round's ns/flow ÷ the run's ns per unit. */
export function normaliseCase(c: ReportCase, calibration: Calibration): CalibratedCase {
  const rounds = c.nsPerFlow.rounds.map((ns) => sig(ns / calibration.nsPerUnit));
  return { ...c, normalised: { median: sig(median(rounds)), rounds } };
}

const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const nonNegatives = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses a report file with its calibration additions.
 * @throws {InputError} (exit 2) on a bad report, calibration or normalised figures
 */
export function parseCalibratedReport(text: string, source: string): CalibratedReport {
  const report = parseReport(text, source) as unknown as Record<string, unknown>;
  const p: InputProblem[] = [];
  const cal = report['calibration'];
  if (cal !== undefined) {
    if (!isObj(cal)) p.push({ place: '$.calibration', message: 'expected an object' });
    else {
      if (typeof cal['kernel'] !== 'string') p.push({ place: '$.calibration.kernel', message: 'expected a string' });
      if (!positive(cal['nsPerUnit'])) p.push({ place: '$.calibration.nsPerUnit', message: 'expected a number > 0' });
      if (!nonNegatives(cal['samples'])) p.push({ place: '$.calibration.samples', message: 'expected an array of numbers ≥ 0' });
    }
  }
  const cases = report['cases'] as ReadonlyArray<Record<string, unknown>>;
  cases.forEach((c, i) => {
    const n = c['normalised'];
    if (n === undefined) return;
    const place = `$.cases[${i}].normalised`;
    if (!isObj(n)) p.push({ place, message: 'expected an object' });
    else {
      if (!(typeof n['median'] === 'number' && Number.isFinite(n['median']) && n['median'] >= 0)) p.push({ place: `${place}.median`, message: 'expected a number ≥ 0' });
      if (!nonNegatives(n['rounds'])) p.push({ place: `${place}.rounds`, message: 'expected an array of numbers ≥ 0' });
    }
  });
  if (p.length > 0) throw new InputError(source, p);
  return report as unknown as CalibratedReport;
}
