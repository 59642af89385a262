// Turns merged shard results into the figures SPEC 4 asks for: exact counters, work percentiles,
// balance, and timings as medians over rounds with their spread.

import type { Mode } from '../engines/factory.js';
import { balanceOf, type Balance } from './balance.js';
import { clusterFor } from './cluster-for.js';
import { histogramQuantile, median, medianInterval } from '../stats/summary.js';
import type { MergedShards } from './merge.js';
import type { CaseSpec, ExactCounters, RunWorkload } from './spec.js';
import { endpointOffsets } from '../model/cluster.js';

/** Everything measured for one case. */
export interface CaseResult {
  readonly spec: CaseSpec;
  readonly endpoints: number;
  readonly counters: ExactCounters;
  /** Per-flow work (rules evaluated, destinations scanned, map lookups, attempts). */
  readonly work: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly balance: Balance;
  /** Engine time per new flow over the rounds, in ns. */
  readonly nsPerFlow: { readonly median: number; readonly min: number; readonly max: number; readonly ci95: readonly [number, number]; readonly rounds: readonly number[] };
  /** iptables: engine time per rule evaluated, ns (median round). */
  readonly nsPerRule: number | null;
  readonly established: { readonly nsPerPacket: number; readonly packets: number; readonly probesPerLookup: number };
  readonly shards: number;
}

/** Computes a case's figures from its merged shards. */
export function caseResult(spec: CaseSpec, w: RunWorkload, m: MergedShards): CaseResult {
  const c = m.counters;
  const hist = [...m.workHistogram.entries()];
  const cluster = clusterFor(w, spec.services);
  const total = endpointOffsets(cluster)[cluster.services.length]!;
  const counts = new Float64Array(total);
  for (const [e, n] of m.endpointCounts) counts[e] = n;
  const perRound = m.rounds.filter((r) => r.flows > 0).map((r) => r.ns / r.flows);
  return {
    spec,
    endpoints: total,
    counters: c,
    work: { mean: c.flows === 0 ? 0 : c.workSum / c.flows, p50: histogramQuantile(hist, 0.5), p99: histogramQuantile(hist, 0.99), max: c.workMax },
    balance: balanceOf(spec.mode as Mode, cluster, counts),
    nsPerFlow: { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), ci95: medianInterval(perRound), rounds: perRound },
    nsPerRule: spec.mode === 'iptables' ? median(perRound) / Math.max(1e-9, c.workSum / Math.max(1, c.flows)) : null,
    established: {
      nsPerPacket: m.established.packets === 0 ? 0 : m.established.ns / m.established.packets,
      packets: m.established.packets,
      probesPerLookup: m.established.packets === 0 ? 0 : m.established.probes / m.established.packets,
    },
    shards: m.shards,
  };
}
