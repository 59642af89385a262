// Orchestrates a benchmark run: plan cases, cut each into shards that partition services, run the
// shards on the pool, merge and check each case as soon as its last shard arrives.

import type { SchedulerName } from '../model/cluster.js';
import type { Mode } from '../engines/factory.js';
import type { WasmBuild } from '../wasm/loader.js';
import { KpbenchError } from '../errors.js';
import { planCases } from './cases.js';
import { caseResult, type CaseResult } from './case-result.js';
import { checkConservation, mergeShards } from './merge.js';
import { runTasks } from './pool.js';
import { Calibrator, type Calibration } from './calibrate.js';
import type { CaseSpec, RunWorkload, ShardFault, ShardResult, ShardTask } from './spec.js';
import { clusterFor } from './cluster-for.js';
import { compileIptables } from '../iptables/compile.js';
import { packRuleset } from '../iptables/pack.js';

/** The packed iptables ruleset of N services in a SharedArrayBuffer: compiled once per run. */
function sharedIptablesImage(w: RunWorkload, services: number): SharedArrayBuffer {
  const bytes = packRuleset(compileIptables(clusterFor(w, services))).bytes;
  const shared = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(shared).set(bytes);
  return shared;
}

/** IPVS connection state per live connection (expiry events and the established-path index), measured. */
export const IPVS_BYTES_PER_LIVE_CONNECTION = 160;
/** What one shard's IPVS connection state may take of a wasm32 instance's 4 GiB. */
export const IPVS_CONNECTION_MEMORY_LIMIT = 3 * 1024 ** 3;

/**
 * Refuses up front a workload whose live IPVS connections (rate × (mean duration + the longer
 * timeout), split over the shards) would not fit one WASM instance.
 * @throws {KpbenchError} KPB_ERR_LIMIT naming the limit and the fix
 */
export function checkConnectionMemory(w: RunWorkload, shards: number): void {
  const live = (w.rate * (w.duration + Math.max(w.tcpFinTimeout, w.udpTimeout, 60))) / shards;
  const bytes = live * IPVS_BYTES_PER_LIVE_CONNECTION;
  if (bytes > IPVS_CONNECTION_MEMORY_LIMIT) {
    throw new KpbenchError('KPB_ERR_LIMIT', `run: IPVS would keep about ${Math.round(live).toLocaleString('en-US')} live connections per shard ` +
      `(${(bytes / 1024 ** 3).toFixed(1)} GiB, over the ${IPVS_CONNECTION_MEMORY_LIMIT / 1024 ** 3} GiB a WASM instance can give them); ` +
      'lower --rate, --duration or the --ipvs-*-timeout options, or raise --shards');
  }
}

/** A fault to inject into one shard (tests only). */
export interface InjectedFault {
  readonly kind: ShardFault;
  readonly caseId: string;
  readonly shard: number;
}

/** Everything a run needs. */
export interface RunOptions {
  readonly workload: RunWorkload;
  readonly services: readonly number[];
  readonly modes: readonly Mode[];
  readonly schedulers: readonly SchedulerName[];
  readonly workers: number;
  /** Shards per case (services are split by `service % shards`). @default workers */
  readonly shards?: number;
  readonly rounds: number;
  readonly build: WasmBuild;
  /** Run only shard `index` of `count` of every case (`--shard i/n`). */
  readonly partial?: { readonly index: number; readonly count: number };
  readonly taskTimeoutMs: number;
  readonly fault?: InjectedFault;
  /** Progress: tasks done of total, and the case that just completed (if any). */
  readonly onProgress?: (done: number, total: number, finished: CaseResult | null) => void;
  readonly stop?: AbortSignal;
  /** Time the calibration kernel before, between (at every shard result) and after the cases. */
  readonly calibrate?: boolean;
}

/** The outcome of a run: finished cases (all of them unless stopped), plus raw shards for partial runs. */
export interface RunOutcome {
  readonly cases: readonly CaseResult[];
  readonly shardResults: readonly ShardResult[];
  readonly planned: readonly CaseSpec[];
  readonly complete: boolean;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The run's machine-speed index, when `calibrate` was set. */
  readonly calibration: Calibration | null;
}

/** Runs the benchmark. @throws {KpbenchError} KPB_ERR_WORKER when a shard fails or loses flows. */
export async function runBenchmark(o: RunOptions): Promise<RunOutcome> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const planned = planCases(o.services, o.modes, o.schedulers);
  const shards = o.partial?.count ?? o.shards ?? o.workers;
  if (o.modes.includes('ipvs')) checkConnectionMemory(o.workload, shards);
  const tasks: ShardTask[] = [];
  for (const c of planned) {
    const image = c.mode === 'iptables' ? { iptablesImage: sharedIptablesImage(o.workload, c.services) } : {};
    for (let s = 0; s < shards; s++) {
      if (o.partial !== undefined && s !== o.partial.index) continue;
      const fault = o.fault !== undefined && o.fault.caseId === c.id && o.fault.shard === s ? { fault: o.fault.kind } : {};
      tasks.push({ workload: o.workload, case: c, shard: s, shards, rounds: o.rounds, build: o.build, ...image, ...fault });
    }
  }
  const pending = new Map<string, ShardResult[]>();
  const cases: CaseResult[] = [];
  const shardResults: ShardResult[] = [];
  let done = 0;
  const perCase = o.partial === undefined ? shards : 1;
  const calibrator = o.calibrate === true ? new Calibrator(o.build) : null;
  calibrator?.sample(3);
  await runTasks(tasks, {
    workers: o.workers,
    taskTimeoutMs: o.taskTimeoutMs,
    ...(o.stop !== undefined ? { stop: o.stop } : {}),
    onResult: (task, result) => {
      done++;
      calibrator?.sample();
      checkConservation(result.counters, `case ${task.case.id} shard ${task.shard}/${task.shards}`, result.generated);
      shardResults.push(result);
      let parts = pending.get(task.case.id);
      if (parts === undefined) pending.set(task.case.id, (parts = []));
      parts.push(result);
      let finished: CaseResult | null = null;
      if (parts.length === perCase && o.partial === undefined) {
        pending.delete(task.case.id);
        finished = caseResult(task.case, o.workload, mergeShards(parts, o.workload.flows));
        cases.push(finished);
      }
      o.onProgress?.(done, tasks.length, finished);
    },
  });
  calibrator?.sample(3);
  const order = new Map(planned.map((c, i) => [c.id, i]));
  cases.sort((a, b) => order.get(a.spec.id)! - order.get(b.spec.id)!);
  const cpu = process.cpuUsage(cpu0);
  return {
    cases, shardResults, planned,
    complete: done === tasks.length,
    wallMs: performance.now() - wall0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    calibration: calibrator?.result() ?? null,
  };
}
