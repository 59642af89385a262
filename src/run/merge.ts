// Merges shard results into case results. Counters add, the digest adds mod 2^64, timings combine
// per round; conservation is checked at every step (SPEC 3): a merge that cannot account for every
// flow fails the run.

import { KpbenchError } from '../errors.js';
import type { ExactCounters, RoundTime, ShardResult } from './spec.js';
import { addDigests } from './digest.js';

/** Shard results of one case, merged. */
export interface MergedShards {
  readonly caseId: string;
  readonly counters: ExactCounters;
  readonly endpointCounts: Map<number, number>;
  readonly workHistogram: Map<number, number>;
  readonly rounds: readonly RoundTime[];
  readonly established: { packets: number; ns: number; probes: number };
  readonly shards: number;
  readonly wallMs: number;
}

/**
 * Checks that a shard (or merged case) accounts for every flow it decided.
 * @throws {KpbenchError} KPB_ERR_WORKER naming `where`
 */
export function checkConservation(c: ExactCounters, where: string, generated: number = c.flows): void {
  if (c.flows !== generated) {
    throw new KpbenchError('KPB_ERR_WORKER', `${where}: generated ${generated} flows but accounted for ${c.flows}; the run is invalid`, 1);
  }
  if (c.dnat + c.nomatch + c.reject !== c.flows) {
    throw new KpbenchError('KPB_ERR_WORKER', `${where}: verdicts add up to ${c.dnat + c.nomatch + c.reject} but ${c.flows} flows were decided; the run is invalid`, 1);
  }
  if (c.ok + c.failed !== c.dnat) {
    throw new KpbenchError('KPB_ERR_WORKER', `${where}: outcomes add up to ${c.ok + c.failed} but ${c.dnat} flows were DNATed; the run is invalid`, 1);
  }
}

function addCounters(a: ExactCounters, b: ExactCounters): ExactCounters {
  return {
    flows: a.flows + b.flows, packets: a.packets + b.packets, dnat: a.dnat + b.dnat, nomatch: a.nomatch + b.nomatch,
    reject: a.reject + b.reject, ok: a.ok + b.ok, failed: a.failed + b.failed, workSum: a.workSum + b.workSum,
    workMax: Math.max(a.workMax, b.workMax), extraSum: a.extraSum + b.extraSum,
    digest: addDigests(a.digest, b.digest),
  };
}

/** An all-zero counter set. */
export const ZERO_COUNTERS: ExactCounters = {
  flows: 0, packets: 0, dnat: 0, nomatch: 0, reject: 0, ok: 0, failed: 0, workSum: 0, workMax: 0, extraSum: 0, digest: '0'.repeat(16),
};

/**
 * Merges every shard of one case. `expectedFlows` is the case's flow count: the shards must hold
 * each shard index 0…n−1 exactly once and add up to it.
 * @throws {KpbenchError} KPB_ERR_WORKER when a shard is missing, duplicated or loses flows
 */
export function mergeShards(parts: readonly ShardResult[], expectedFlows: number): MergedShards {
  const first = parts[0];
  if (first === undefined) throw new KpbenchError('KPB_ERR_WORKER', 'no shard results to merge', 1);
  const n = first.shards;
  const seen = new Set<number>();
  let counters = ZERO_COUNTERS;
  const endpointCounts = new Map<number, number>();
  const workHistogram = new Map<number, number>();
  const rounds: RoundTime[] = first.rounds.map(() => ({ flows: 0, ns: 0 }));
  const established = { packets: 0, ns: 0, probes: 0 };
  let wallMs = 0;
  for (const p of parts) {
    const where = `${p.caseId} shard ${p.shard}/${p.shards}`;
    if (p.caseId !== first.caseId || p.shards !== n || p.shard < 0 || p.shard >= n || seen.has(p.shard)) {
      throw new KpbenchError('KPB_ERR_WORKER', `${where}: does not fit with ${first.caseId} in ${n} shards (missing, duplicated or foreign shard)`, 1);
    }
    seen.add(p.shard);
    checkConservation(p.counters, where, p.generated);
    counters = addCounters(counters, p.counters);
    for (const [e, c] of p.endpointCounts) endpointCounts.set(e, (endpointCounts.get(e) ?? 0) + c);
    for (const [v, c] of p.workHistogram) workHistogram.set(v, (workHistogram.get(v) ?? 0) + c);
    p.rounds.forEach((r, i) => {
      const acc = rounds[i];
      if (acc !== undefined) rounds[i] = { flows: acc.flows + r.flows, ns: acc.ns + r.ns };
    });
    established.packets += p.established.packets;
    established.ns += p.established.ns;
    established.probes += p.established.probes;
    wallMs = Math.max(wallMs, p.wallMs);
  }
  if (seen.size !== n) {
    const missing = [...Array(n).keys()].filter((i) => !seen.has(i));
    throw new KpbenchError('KPB_ERR_WORKER', `${first.caseId}: shard ${missing.join(', ')} of ${n} missing; the run is incomplete`, 1);
  }
  if (counters.flows !== expectedFlows) {
    throw new KpbenchError('KPB_ERR_WORKER', `${first.caseId}: shards decided ${counters.flows} flows but ${expectedFlows} were generated; a shard lost flows`, 1);
  }
  return { caseId: first.caseId, counters, endpointCounts, workHistogram, rounds, established, shards: n, wallMs };
}
