// SPEC 3/4 and DESIGN 5–6: the runner's exact counters (computed in WASM from flows generated in
// WASM) equal the TypeScript reference engine deciding the TypeScript workload, for every mode.
import { describe, expect, it } from 'vitest';
import { runShard } from '../../src/run/shard-runner.js';
import { clusterFor, workloadOptions } from '../../src/run/cluster-for.js';
import { syntheticFlows } from '../../src/gen/flows.js';
import { createEngine, type Mode } from '../../src/engines/factory.js';
import { decisionHash, digestOf } from '../../src/run/digest.js';
import { endpointTable, outcomeOf } from '../../src/io/decisions-csv.js';
import type { RunWorkload, ShardTask } from '../../src/run/spec.js';
import type { SchedulerName } from '../../src/model/cluster.js';

const workload: RunWorkload = {
  seed: 11, endpoints: { lo: 1, hi: 5 }, weights: { lo: 0, hi: 4 }, flows: 6000, popularity: { kind: 'zipf', s: 1.1 }, miss: 0.05,
  clients: 300, rate: 2000, duration: 2, packets: 3, tcp: 0.7, dead: 0.2, tcpFinTimeout: 120, udpTimeout: 300,
};
const VERDICT_CODE = { nomatch: 0, dnat: 1, reject: 2 } as const;

const cases: Array<[Mode, SchedulerName | null]> = [
  ['iptables', null], ['nftables', null], ['userspace', null],
  ...(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'dh', 'sh', 'mh'] as const).map((s): [Mode, SchedulerName] => ['ipvs', s]),
];

describe('runShard()', () => {
  it.each(cases)('%s %s: counters and digest equal the reference engine on the same flows, in any shard split', (mode, scheduler) => {
    const services = 40;
    const cluster = clusterFor(workload, services);
    const ref = createEngine(mode, cluster, { kind: 'reference', seed: workload.seed, scheduler: scheduler ?? 'rr' });
    const flows = syntheticFlows(cluster, 0, workload.flows, workloadOptions(workload));
    const decisions = ref.decide(flows);
    const endpoints = endpointTable(cluster);
    const expected = { dnat: 0, nomatch: 0, reject: 0, ok: 0, failed: 0, workSum: 0, flows: flows.length };
    for (const d of decisions) {
      expected[d.verdict]++;
      expected.workSum += d.work;
      const outcome = outcomeOf(d, endpoints);
      if (outcome !== '') expected[outcome]++;
    }
    const digest = digestOf(decisions.map((d, i) => decisionHash(flows[i]!.index, VERDICT_CODE[d.verdict], d.endpoint)));
    const caseSpec = { id: `${mode}/${services}`, mode, scheduler, services };
    for (const shards of [1, 3]) {
      let dnat = 0, nomatch = 0, reject = 0, ok = 0, failed = 0, workSum = 0, total = 0;
      let sum = 0n;
      for (let shard = 0; shard < shards; shard++) {
        const task: ShardTask = { workload, case: caseSpec, shard, shards, rounds: 3, build: 'simd' };
        const r = runShard(task).counters;
        dnat += r.dnat; nomatch += r.nomatch; reject += r.reject; ok += r.ok; failed += r.failed; workSum += r.workSum; total += r.flows;
        sum = (sum + BigInt('0x' + r.digest)) & 0xffffffffffffffffn;
      }
      expect({ dnat, nomatch, reject, ok, failed, workSum, flows: total }).toEqual(expected);
      expect(sum.toString(16).padStart(16, '0')).toBe(digest);
    }
  });
});
