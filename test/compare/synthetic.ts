// Synthetic kpbench reports for the comparison tests: a small case matrix with deterministic
// per-round jitter, and knobs to slow a case down or change its exact counters.

import { mix32 } from '../../src/gen/counter-random.js';
import { SCHEMA_VERSION, type ReportCase } from '../../src/report/json-report.js';
import type { CalibratedReport } from '../../src/compare/calibrated-report.js';
import { CALIBRATION_KERNEL } from '../../src/run/calibrate.js';
import { median } from '../../src/stats/summary.js';

/** The cases of a synthetic report: iptables, two IPVS schedulers, nftables and userspace at N = 100 and 10 000. */
export const CASE_SPECS: ReadonlyArray<{ mode: string; scheduler: string | null; services: number; ns: number; work: number }> = [100, 10_000].flatMap((n) => [
  { mode: 'iptables', scheduler: null, services: n, ns: n === 100 ? 180 : 9_000, work: n === 100 ? 60 : 5_010 },
  { mode: 'ipvs', scheduler: 'rr', services: n, ns: 95, work: 1 },
  { mode: 'ipvs', scheduler: 'lc', services: n, ns: 120, work: 3 },
  { mode: 'nftables', scheduler: null, services: n, ns: 70, work: 2 },
  { mode: 'userspace', scheduler: null, services: n, ns: 140, work: 1 },
]);

/** Options of {@link syntheticReport}. */
export interface SyntheticOptions {
  /** Stream of the per-round jitter: base and head use different ones. */
  readonly stream: number;
  readonly rounds?: number;
  /** Per-round jitter, uniform in ±jitter (fraction). @default 0.01 */
  readonly jitter?: number;
  /** Per-case time factor (1 = as the table above). */
  readonly factor?: (id: string, index: number) => number;
  /** Edits a case's exact figures. */
  readonly exact?: (c: ReportCase) => ReportCase;
  /** ns per calibration unit (a faster or slower machine). @default 1.5 */
  readonly nsPerUnit?: number;
  readonly seed?: number;
}

const unit = (key: number, i: number): number => mix32((mix32(key) ^ i) >>> 0) / 2 ** 32;

/** A complete, calibrated report as `kpbench run` writes it. */
export function syntheticReport(o: SyntheticOptions): CalibratedReport {
  const rounds = o.rounds ?? 5;
  const jitter = o.jitter ?? 0.01;
  const nsPerUnit = o.nsPerUnit ?? 1.5;
  const cases = CASE_SPECS.map((s, index) => {
    const id = `${s.mode}${s.scheduler === null ? '' : ':' + s.scheduler}/${s.services}`;
    const f = o.factor?.(id, index) ?? 1;
    const perRound = Array.from({ length: rounds }, (_, r) => Number((s.ns * f * nsPerUnit / 1.5 * (1 + jitter * (2 * unit(o.stream * 1000 + index, r) - 1))).toPrecision(6)));
    const med = median(perRound);
    const normalisedRounds = perRound.map((x) => Number((x / nsPerUnit).toPrecision(6)));
    const c: ReportCase = {
      id, mode: s.mode, scheduler: s.scheduler, services: s.services, endpoints: s.services * 3, flows: 200_000,
      verdicts: { dnat: 200_000, nomatch: 0, reject: 0 }, outcomes: { ok: 200_000, failed: 0 },
      digest: mix32(index + 7).toString(16).padStart(8, '0') + mix32(index + 99).toString(16).padStart(8, '0'),
      work: { mean: s.work, p50: s.work, p99: s.work + 2, max: s.work + 5 }, retries: 0, hashProbesPerLookup: null,
      balance: { maxOverMean: 1.1, minOverMean: 0.9, cv: 0.05, jain: 0.99, chi2p: 0.5 },
      nsPerFlow: { median: med, min: Math.min(...perRound), max: Math.max(...perRound), ci95: [Math.min(...perRound), Math.max(...perRound)], rounds: perRound },
      mflowsPerSec: 1e3 / med, nsPerRule: s.mode === 'iptables' ? med / s.work : null, speedupOverIptables: null,
      established: { nsPerPacket: 20, packets: 1_800_000, probesPerLookup: 1.1 },
    };
    const edited = o.exact?.(c) ?? c;
    return { ...edited, normalised: { median: median(normalisedRounds), rounds: normalisedRounds } };
  });
  return {
    schemaVersion: SCHEMA_VERSION, tool: 'kpbench',
    env: { node: 'v20.20.0', v8: '11.3', cpu: 'test', cores: 2, memBytes: 1, loadAvg: [0, 0, 0], simd: true, commit: `c${o.stream}`, date: '2025-01-01T00:00:00Z' },
    workload: {
      seed: o.seed ?? 1, endpoints: { lo: 3, hi: 3 }, weights: { lo: 1, hi: 1 }, flows: 200_000, popularity: { kind: 'uniform' }, miss: 0, clients: 10_000,
      rate: 20_000, duration: 1, packets: 10, tcp: 1, dead: 0, tcpFinTimeout: 120, udpTimeout: 300,
      services: [100, 10_000], modes: ['iptables', 'ipvs', 'nftables', 'userspace'], schedulers: ['rr', 'lc'], rounds, workers: 2,
    },
    complete: true, run: { wallMs: 1000, cpuMs: 2000 }, cases, crossovers: [],
    calibration: { kernel: CALIBRATION_KERNEL, nsPerUnit, samples: [nsPerUnit, nsPerUnit] },
  };
}
