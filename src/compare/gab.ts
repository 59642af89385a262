// github-action-benchmark's custom JSON (tool: customSmallerIsBetter / customBiggerIsBetter): an
// array of {name, unit, value, range, extra}. The action takes one direction per file, so there
// are two: times and exact work (smaller is better), throughput (bigger is better).

import type { CalibratedCase, CalibratedReport } from './calibrated-report.js';

/** One github-action-benchmark data point. */
export interface GabEntry {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** Shown beside the value; here the half width of the 95% interval. */
  readonly range?: string;
  /** Shown in the tooltip: seed, digest, rounds. */
  readonly extra?: string;
}

/** The per-flow work the `decide` column `rules` counts, per mode (SPEC 5). */
export function workUnit(mode: string): string {
  switch (mode) {
    case 'iptables': return 'rules evaluated/flow';
    case 'ipvs': return 'dests scanned/flow';
    case 'nftables': return 'map lookups/flow';
    case 'userspace': return 'attempts/flow';
    default: return 'work/flow';
  }
}

const sig = (x: number): number => Number(x.toPrecision(6));

function extra(r: CalibratedReport, c: CalibratedCase): string {
  return `seed ${r.workload.seed}, ${c.flows} flows, ${c.nsPerFlow.rounds.length} rounds, digest ${c.digest}, commit ${r.env.commit}`;
}

/** customSmallerIsBetter: ns/flow, normalised time (when calibrated) and exact work per case. */
export function gabSmaller(r: CalibratedReport): GabEntry[] {
  const out: GabEntry[] = [];
  for (const c of r.cases) {
    const [lo, hi] = c.nsPerFlow.ci95;
    out.push({ name: `${c.id} time`, unit: 'ns/flow', value: sig(c.nsPerFlow.median), range: `± ${sig((hi - lo) / 2)}`, extra: extra(r, c) });
    if (c.normalised !== undefined && r.calibration !== undefined) {
      out.push({ name: `${c.id} normalised time`, unit: 'calibration units/flow', value: c.normalised.median, extra: `${r.calibration.nsPerUnit} ns per unit (${r.calibration.kernel})` });
    }
    out.push({ name: `${c.id} work`, unit: workUnit(c.mode), value: c.work.mean, extra: `p50 ${c.work.p50}, p99 ${c.work.p99}, max ${c.work.max}` });
  }
  return out;
}

/** customBiggerIsBetter: Mflows/s per case. */
export function gabBigger(r: CalibratedReport): GabEntry[] {
  return r.cases.map((c) => {
    const [lo, hi] = c.nsPerFlow.ci95;
    const range = lo > 0 && hi > 0 ? `± ${sig((1e3 / lo - 1e3 / hi) / 2)}` : undefined;
    return { name: `${c.id} throughput`, unit: 'Mflows/s', value: sig(c.mflowsPerSec), ...(range !== undefined ? { range } : {}), extra: extra(r, c) };
  });
}
