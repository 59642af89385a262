// Tier A of a comparison (BENCHMARKING 7.1): the exact, deterministic figures of a case. They do not
// depend on the machine or its load, so any difference is a change in behaviour or cost model.

import type { ReportCase } from '../report/json-report.js';

/** One exact figure that differs between base and head. */
export interface ExactChange {
  /** Report path within the case: `digest`, `work.p99`, `verdicts.dnat`, … */
  readonly field: string;
  readonly base: string;
  readonly head: string;
}

type Exact = Pick<ReportCase, 'endpoints' | 'flows' | 'verdicts' | 'outcomes' | 'digest' | 'work' | 'retries' | 'hashProbesPerLookup'>;

/** The exact figures of a case, flattened in the order they are reported (digest first). */
function exactFields(c: Exact): Array<[string, number | string]> {
  return [
    ['digest', c.digest],
    ['flows', c.flows],
    ['endpoints', c.endpoints],
    ['verdicts.dnat', c.verdicts.dnat],
    ['verdicts.nomatch', c.verdicts.nomatch],
    ['verdicts.reject', c.verdicts.reject],
    ['outcomes.ok', c.outcomes.ok],
    ['outcomes.failed', c.outcomes.failed],
    ['work.mean', c.work.mean],
    ['work.p50', c.work.p50],
    ['work.p99', c.work.p99],
    ['work.max', c.work.max],
    ['retries', c.retries],
    ['hashProbesPerLookup', c.hashProbesPerLookup ?? 'n/a'],
  ];
}

/** Every exact figure of `head` that differs from `base`, in report order. */
export function exactChanges(base: Exact, head: Exact): ExactChange[] {
  const h = new Map(exactFields(head));
  const out: ExactChange[] = [];
  for (const [field, b] of exactFields(base)) {
    const v = h.get(field);
    if (v !== b) out.push({ field, base: String(b), head: String(v) });
  }
  return out;
}

/** `digest 0123… → 4567…; work.p99 12 → 13`: one case's changes on one line. */
export function describeChanges(changes: readonly ExactChange[]): string {
  const short = (s: string, field: string): string => (field === 'digest' ? `${s.slice(0, 8)}…` : s);
  return changes.map((c) => `${c.field} ${short(c.base, c.field)} → ${short(c.head, c.field)}`).join('; ');
}
