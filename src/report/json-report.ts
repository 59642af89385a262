// The versioned JSON report (SPEC 5): a stable contract for CI dashboards and scripts. Additions
// are fine; renames bump SCHEMA_VERSION.

import type { CaseResult } from '../run/case-result.js';
import { seriesOf } from '../run/cases.js';
import type { RunWorkload, ShardResult } from '../run/spec.js';
import { crossovers, type Crossover } from './crossover.js';
import type { RunEnv } from './env.js';

/** Version of the report format. */
export const SCHEMA_VERSION = 1;

/** One case as the report carries it. */
export interface ReportCase {
  readonly id: string;
  readonly mode: string;
  readonly scheduler: string | null;
  readonly services: number;
  readonly endpoints: number;
  readonly flows: number;
  readonly verdicts: { readonly dnat: number; readonly nomatch: number; readonly reject: number };
  readonly outcomes: { readonly ok: number; readonly failed: number };
  readonly digest: string;
  readonly work: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** userspace: connection attempts retried on the next endpoint (0 in other modes). */
  readonly retries: number;
  /** ipvs: virtual-service hash-table probes per new-flow lookup (null in other modes). */
  readonly hashProbesPerLookup: number | null;
  readonly balance: { readonly maxOverMean: number; readonly minOverMean: number; readonly cv: number; readonly jain: number; readonly chi2p: number };
  readonly nsPerFlow: { readonly median: number; readonly min: number; readonly max: number; readonly ci95: readonly [number, number]; readonly rounds: readonly number[] };
  readonly mflowsPerSec: number;
  readonly nsPerRule: number | null;
  readonly speedupOverIptables: number | null;
  readonly established: { readonly nsPerPacket: number; readonly packets: number; readonly probesPerLookup: number };
}

/** The whole report. */
export interface Report {
  readonly schemaVersion: number;
  readonly tool: 'kpbench';
  readonly env: RunEnv;
  readonly workload: RunWorkload & { readonly services: readonly number[]; readonly modes: readonly string[]; readonly schedulers: readonly string[]; readonly rounds: number; readonly workers: number };
  readonly complete: boolean;
  readonly run: { readonly wallMs: number; readonly cpuMs: number };
  readonly cases: readonly ReportCase[];
  readonly crossovers: readonly Crossover[];
  /** Raw shard results, present in partial (`--shard i/n`) reports for `kpbench merge`. */
  readonly shards?: readonly ShardResult[];
}

const round = (x: number, digits = 4): number => (Number.isFinite(x) ? Number(x.toPrecision(digits + 2)) : x);

/** Report cases with speed-ups over iptables at the same N. */
export function reportCases(results: readonly CaseResult[]): ReportCase[] {
  const iptables = new Map(results.filter((r) => r.spec.mode === 'iptables').map((r) => [r.spec.services, r.nsPerFlow.median]));
  return results.map((r) => {
    const base = iptables.get(r.spec.services);
    return {
      id: r.spec.id, mode: r.spec.mode, scheduler: r.spec.scheduler, services: r.spec.services, endpoints: r.endpoints,
      flows: r.counters.flows,
      verdicts: { dnat: r.counters.dnat, nomatch: r.counters.nomatch, reject: r.counters.reject },
      outcomes: { ok: r.counters.ok, failed: r.counters.failed },
      digest: r.counters.digest,
      work: { mean: round(r.work.mean, 6), p50: r.work.p50, p99: r.work.p99, max: r.work.max },
      retries: r.spec.mode === 'userspace' ? r.counters.extraSum : 0,
      hashProbesPerLookup: r.spec.mode === 'ipvs' ? round(r.counters.extraSum / Math.max(1, r.counters.flows), 6) : null,
      balance: {
        maxOverMean: round(r.balance.maxOverMean), minOverMean: round(r.balance.minOverMean), cv: round(r.balance.cv),
        jain: round(r.balance.jain, 6), chi2p: round(r.balance.chi2p),
      },
      nsPerFlow: {
        median: round(r.nsPerFlow.median), min: round(r.nsPerFlow.min), max: round(r.nsPerFlow.max),
        ci95: [round(r.nsPerFlow.ci95[0]), round(r.nsPerFlow.ci95[1])], rounds: r.nsPerFlow.rounds.map((x) => round(x)),
      },
      mflowsPerSec: round(1e3 / r.nsPerFlow.median),
      nsPerRule: r.nsPerRule === null ? null : round(r.nsPerRule),
      speedupOverIptables: base === undefined ? null : round(base / r.nsPerFlow.median),
      established: { nsPerPacket: round(r.established.nsPerPacket), packets: r.established.packets, probesPerLookup: round(r.established.probesPerLookup) },
    };
  });
}

/** Crossovers of a set of report cases. */
export function reportCrossovers(cases: readonly ReportCase[]): Crossover[] {
  const series = new Map<string, Map<number, number>>();
  for (const c of cases) {
    const name = seriesOf({ mode: c.mode as never, scheduler: c.scheduler as never });
    let pts = series.get(name);
    if (pts === undefined) series.set(name, (pts = new Map()));
    pts.set(c.services, c.nsPerFlow.median);
  }
  return crossovers(series);
}
