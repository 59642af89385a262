// Whether two reports measured the same thing. Exact counters are only comparable on the same
// workload (every SPEC 2.2 parameter and the N list); rounds, workers and shards change timing
// precision only, so they may differ. A mismatch is one input error (exit 2) naming the fields.

import { KpbenchError } from '../errors.js';
import type { CalibratedReport } from './calibrated-report.js';

/** Workload fields that must be equal: they decide every flow and so every exact counter. */
const WORKLOAD_FIELDS = [
  'seed', 'flows', 'endpoints', 'weights', 'popularity', 'miss', 'clients', 'rate', 'duration', 'packets', 'tcp', 'dead',
  'tcpFinTimeout', 'udpTimeout', 'services',
] as const;

const show = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));

/** The N list as a set: `--services 10000,100` and `100,10000` run the same cases. */
function canonical(field: string, v: unknown): string {
  if (field === 'services' && Array.isArray(v)) return JSON.stringify([...new Set(v as number[])].sort((a, b) => a - b));
  return JSON.stringify(v);
}

/**
 * Checks that `head` can be compared with `base`.
 * @throws {KpbenchError} KPB_ERR_INPUT (exit 2) with a one-line reason
 */
export function assertComparable(base: CalibratedReport, head: CalibratedReport, baseSource: string, headSource: string): void {
  for (const [r, source] of [[base, baseSource], [head, headSource]] as const) {
    if (r.shards !== undefined) throw new KpbenchError('KPB_ERR_INPUT', `${source}: a partial --shard report; merge the shards first (kpbench merge)`);
    if (!r.complete) throw new KpbenchError('KPB_ERR_INPUT', `${source}: an interrupted run (complete: false); re-run it to the end`);
  }
  assertSameWorkload(base.workload, head.workload, baseSource, headSource);
}

/**
 * Checks that two workloads decide the same flows the same way.
 * @throws {KpbenchError} KPB_ERR_INPUT (exit 2) naming the differing fields
 */
export function assertSameWorkload(base: object, head: object, baseSource: string, headSource: string): void {
  const bw = base as Record<string, unknown>;
  const hw = head as Record<string, unknown>;
  const diffs = WORKLOAD_FIELDS.filter((f) => canonical(f, bw[f]) !== canonical(f, hw[f])).map((f) => `${f} ${show(bw[f])} vs ${show(hw[f])}`);
  if (diffs.length > 0) {
    throw new KpbenchError(
      'KPB_ERR_INPUT',
      `${baseSource} and ${headSource} measure different workloads (${diffs.join('; ')}); run head with the baseline's options or re-create the baseline`,
    );
  }
}
