// Bencher Metric Format: { "<benchmark>": { "<measure>": { value, lower_value?, upper_value? } } }.
// latency = ns/flow with the 95% interval, throughput = flows/s, rules-per-flow = the exact per-flow
// work of the `decide` column `rules`, normalised-latency = calibration units per flow.

import type { CalibratedReport } from './calibrated-report.js';

/** One Bencher measure. */
export interface BmfMetric {
  readonly value: number;
  readonly lower_value?: number;
  readonly upper_value?: number;
}

/** A Bencher report: benchmark name → measure slug → metric. */
export type Bmf = Record<string, Record<string, BmfMetric>>;

const sig = (x: number): number => Number(x.toPrecision(6));

/** The report as Bencher Metric Format. */
export function bmf(r: CalibratedReport): Bmf {
  const out: Bmf = {};
  for (const c of r.cases) {
    const [lo, hi] = c.nsPerFlow.ci95;
    const m: Record<string, BmfMetric> = {
      latency: { value: sig(c.nsPerFlow.median), lower_value: sig(lo), upper_value: sig(hi) },
      throughput: lo > 0 && hi > 0 && c.nsPerFlow.median > 0
        ? { value: sig(1e9 / c.nsPerFlow.median), lower_value: sig(1e9 / hi), upper_value: sig(1e9 / lo) }
        : { value: c.nsPerFlow.median > 0 ? sig(1e9 / c.nsPerFlow.median) : 0 },
      'rules-per-flow': { value: c.work.mean },
    };
    if (c.normalised !== undefined) m['normalised-latency'] = { value: c.normalised.median };
    out[c.id] = m;
  }
  return out;
}
