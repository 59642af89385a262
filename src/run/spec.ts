// What one benchmark run is made of: the workload every case shares, the cases (mode × scheduler
// × N), and the shard tasks and results exchanged with workers (one type for both sides).

import type { SchedulerName } from '../model/cluster.js';
import type { IntRange } from '../gen/cluster.js';
import type { Popularity } from '../gen/flows.js';
import type { Mode } from '../engines/factory.js';
import type { WasmBuild } from '../wasm/loader.js';

/** Every SPEC 2.2 parameter plus the IPVS timeouts: identical for all cases of a run. */
export interface RunWorkload {
  readonly seed: number;
  readonly endpoints: IntRange;
  readonly weights: IntRange;
  readonly flows: number;
  readonly popularity: Popularity;
  readonly miss: number;
  readonly clients: number;
  readonly rate: number;
  readonly duration: number;
  readonly packets: number;
  /** Fraction of TCP flows: the synthetic cluster has this fraction of TCP services. */
  readonly tcp: number;
  /** Fraction of endpoints programmed but dead (`serving: false`). */
  readonly dead: number;
  readonly tcpFinTimeout: number;
  readonly udpTimeout: number;
}

/** One measured configuration. */
export interface CaseSpec {
  /** `mode[:scheduler]/N`, unique in a run. */
  readonly id: string;
  readonly mode: Mode;
  readonly scheduler: SchedulerName | null;
  readonly services: number;
}

/** Work for one worker: one shard of one case. */
export interface ShardTask {
  readonly workload: RunWorkload;
  readonly case: CaseSpec;
  readonly shard: number;
  readonly shards: number;
  /** Timed segments the flow range is cut into (their medians make the timing figures). */
  readonly rounds: number;
  readonly build: WasmBuild;
  /** iptables: the case's packed ruleset, compiled once in the main thread and shared, not copied. */
  readonly iptablesImage?: SharedArrayBuffer;
  /** Test-only fault injection (documented in src/run/faults.ts). */
  readonly fault?: ShardFault;
}

/** Faults a test can inject into a shard to prove the run fails cleanly. */
export type ShardFault = 'throw' | 'exit' | 'hang' | 'lose-flow';

/** Exact counters of a shard or a merged case (SPEC 4, tier A). */
export interface ExactCounters {
  flows: number;
  packets: number;
  dnat: number;
  nomatch: number;
  reject: number;
  ok: number;
  failed: number;
  workSum: number;
  workMax: number;
  /** Sum of the Result `extra` word: userspace retries, IPVS virtual-service table probes, else 0. */
  extraSum: number;
  /** Order-independent decision digest, 16 hex digits. */
  digest: string;
}

/** One timed segment: flows decided and the engine time they took. */
export interface RoundTime {
  readonly flows: number;
  readonly ns: number;
}

/** What a worker sends back for a shard: counters, distributions and timings, never flows. */
export interface ShardResult {
  readonly caseId: string;
  readonly shard: number;
  readonly shards: number;
  /** Flows the shard generated: its counters must account for exactly these. */
  readonly generated: number;
  readonly counters: ExactCounters;
  /** New flows per global endpoint id: [id, count] pairs for non-zero counts. */
  readonly endpointCounts: ReadonlyArray<readonly [number, number]>;
  /** Work histogram: [work, flows] pairs; the last bin of the WASM histogram is exact via workMax. */
  readonly workHistogram: ReadonlyArray<readonly [number, number]>;
  readonly rounds: readonly RoundTime[];
  readonly established: { readonly packets: number; readonly ns: number; readonly probes: number };
  readonly wallMs: number;
}
