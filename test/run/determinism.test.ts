// SPEC 3 "Determinism" and "Conservation", issue 4: identical counters and digests for any worker
// count, shard count and --shard split; a run that loses a flow or whose worker fails stops with
// the shard named, in bounded time. Runs the built workers (dist/), as `npm test` builds first.
import { describe, expect, it } from 'vitest';
import { runBenchmark, type RunOptions } from '../../src/run/run.js';
import { buildReport, type RunConfig } from '../../src/cli/run.js';
import { mergeReports } from '../../src/cli/merge.js';
import { KpbenchError } from '../../src/errors.js';
import type { RunWorkload } from '../../src/run/spec.js';

const workload: RunWorkload = {
  seed: 5, endpoints: { lo: 2, hi: 4 }, weights: { lo: 1, hi: 3 }, flows: 30000, popularity: { kind: 'uniform' }, miss: 0.05,
  clients: 500, rate: 5000, duration: 1, packets: 4, tcp: 0.8, dead: 0.1, tcpFinTimeout: 120, udpTimeout: 300,
};
const base: RunOptions = {
  workload, services: [30, 300], modes: ['iptables', 'ipvs', 'nftables', 'userspace'], schedulers: ['rr', 'wrr', 'lc', 'sh', 'mh'],
  workers: 1, rounds: 3, build: 'simd', taskTimeoutMs: 120_000,
};
const exact = (cases: ReadonlyArray<{ spec: { id: string }; counters: unknown }>) => cases.map((c) => [c.spec.id, c.counters]);

describe('runBenchmark()', () => {
  it('gives identical counters and digests for 1, 2 and 3 workers and two shard counts', async () => {
    const one = await runBenchmark({ ...base, workers: 1, shards: 1 });
    expect(one.complete).toBe(true);
    expect(one.cases).toHaveLength(2 * (3 + 5));
    for (const c of one.cases) expect(c.counters.dnat + c.counters.nomatch + c.counters.reject).toBe(workload.flows);
    for (const [workers, shards] of [[2, 2], [3, 3], [2, 5]] as const) {
      const other = await runBenchmark({ ...base, workers, shards });
      expect(exact(other.cases)).toEqual(exact(one.cases));
    }
  });

  it('--shard 0/3, 1/3 and 2/3 merged equal the unsharded run', async () => {
    const whole = await runBenchmark({ ...base, workers: 2, shards: 2 });
    const cfg = (index: number): RunConfig => ({
      workload, services: [...base.services], modes: [...base.modes], schedulers: [...base.schedulers], workers: 2, shards: 3, rounds: 3,
      build: 'simd', partial: { index, count: 3 }, taskTimeoutMs: 120_000, fault: undefined,
    });
    const parts: Array<{ source: string; report: ReturnType<typeof buildReport> }> = [];
    for (const index of [0, 1, 2]) {
      const c = cfg(index);
      const out = await runBenchmark({ ...base, workers: 2, partial: { index, count: 3 } });
      parts.push({ source: `shard${index}.json`, report: JSON.parse(JSON.stringify(buildReport(c, out))) });
    }
    const merged = mergeReports(parts);
    const byId = new Map(whole.cases.map((c) => [c.spec.id, c.counters]));
    expect(merged.cases).toHaveLength(whole.cases.length);
    for (const c of merged.cases) {
      const w = byId.get(c.id)!;
      expect([c.flows, c.verdicts, c.outcomes, c.digest, c.work.max]).toEqual([w.flows, { dnat: w.dnat, nomatch: w.nomatch, reject: w.reject }, { ok: w.ok, failed: w.failed }, w.digest, w.workMax]);
    }
    expect(() => mergeReports(parts.slice(0, 2))).toThrow(/shard 2 of 3 missing/);
  });

  it('fails the run naming the shard when a worker loses a flow (conservation)', async () => {
    const run = runBenchmark({ ...base, services: [30], workers: 2, fault: { kind: 'lose-flow', caseId: 'ipvs:lc/30', shard: 1 } });
    await expect(run).rejects.toThrow(/case ipvs:lc\/30 shard 1\/2 .*generated \d+ flows but accounted for \d+; the run is invalid/);
  });

  it.each([
    ['throw', /case nftables\/30 shard 0\/2 failed: injected fault/],
    ['exit', /case nftables\/30 shard 0\/2 failed/],
    ['hang', /case nftables\/30 shard 0\/2 did not finish within 3 s \(hung worker\)/],
  ] as const)('a worker that %ss fails the run within seconds, naming the shard', async (kind, message) => {
    const t0 = performance.now();
    const run = runBenchmark({ ...base, services: [30], workers: 2, taskTimeoutMs: 3000, fault: { kind, caseId: 'nftables/30', shard: 0 } });
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toBeInstanceOf(KpbenchError);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
