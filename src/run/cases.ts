// The case matrix of a run: for each N, iptables, every requested IPVS scheduler, nftables and
// userspace — all on the same cluster and the same flows.

import type { SchedulerName } from '../model/cluster.js';
import type { Mode } from '../engines/factory.js';
import type { CaseSpec } from './spec.js';

/** The id of a case: `mode[:scheduler]/N`. */
export function caseId(mode: Mode, scheduler: SchedulerName | null, services: number): string {
  return `${mode}${scheduler === null ? '' : ':' + scheduler}/${services}`;
}

/** The series a case belongs to in tables and charts: `iptables`, `ipvs:rr`, … */
export function seriesOf(c: Pick<CaseSpec, 'mode' | 'scheduler'>): string {
  return c.scheduler === null ? c.mode : `${c.mode}:${c.scheduler}`;
}

/** Every case of a run, grouped by N (ascending), modes in the order given. */
export function planCases(services: readonly number[], modes: readonly Mode[], schedulers: readonly SchedulerName[]): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const n of [...new Set(services)].sort((a, b) => a - b)) {
    for (const mode of modes) {
      const scheds: Array<SchedulerName | null> = mode === 'ipvs' ? [...schedulers] : [null];
      for (const s of scheds) cases.push({ id: caseId(mode, s, n), mode, scheduler: s, services: n });
    }
  }
  return cases;
}
