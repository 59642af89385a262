// fast-check arbitraries and fixtures for the shard-results file tests.
import fc from 'fast-check';
import type { ShardResult } from '../../src/run/spec.js';
import type { ShardFileWorkload } from '../../src/format/shard-codec.js';
import type { RunEnv } from '../../src/report/env.js';

/** A valid report workload. */
export const WORKLOAD: ShardFileWorkload = {
  seed: 5, endpoints: { lo: 2, hi: 4 }, weights: { lo: 1, hi: 3 }, flows: 30000, popularity: { kind: 'zipf', s: 1.1 }, miss: 0.05,
  clients: 500, rate: 5000, duration: 1, packets: 4, tcp: 0.8, dead: 0.1, tcpFinTimeout: 120, udpTimeout: 300,
  services: [30, 300], modes: ['iptables', 'ipvs'], schedulers: ['rr', 'sh'], rounds: 3, workers: 2,
};

/** A valid report env of another machine than any test runs on, on the scalar build. */
export const ENV: RunEnv = {
  node: 'v20.11.1', v8: '11.3.244.8-node.17', cpu: 'Test CPU @ 2.00GHz', cores: 64, memBytes: 256 * 2 ** 30,
  loadAvg: [1.5, 0.75, 0.25], simd: false, commit: '0123456789ab', date: '2024-03-01T12:00:00.000Z',
};

/** Any env that passes the report's `env` checks. */
export const envArb: fc.Arbitrary<RunEnv> = fc.record({
  node: fc.string({ unit: 'grapheme', maxLength: 20 }), v8: fc.string({ maxLength: 20 }), cpu: fc.string({ unit: 'grapheme', maxLength: 60 }),
  cores: fc.nat({ max: 4096 }), memBytes: fc.maxSafeInteger().map((x) => Math.abs(x)), loadAvg: fc.array(fc.nat({ max: 100_000 }).map((x) => x / 100), { maxLength: 3 }),
  simd: fc.boolean(), commit: fc.string({ maxLength: 40 }), date: fc.string({ maxLength: 30 }),
});

const count = fc.maxSafeInteger().map((x) => Math.abs(x));
const time = fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const pair = fc.tuple(count, count).map(([a, b]) => [a, b] as const);

/** Any ShardResult that passes the file's value checks. */
export const shardResultArb: fc.Arbitrary<ShardResult> = fc
  .record({
    caseId: fc.string({ unit: 'grapheme', maxLength: 40 }),
    shards: fc.integer({ min: 1, max: 1024 }),
    shardPick: fc.nat(),
    generated: count,
    counters: fc.record({
      flows: count, packets: count, dnat: count, nomatch: count, reject: count, ok: count, failed: count,
      workSum: count, workMax: count, extraSum: count, digest: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((d) => d.toString(16).padStart(16, '0')),
    }),
    endpointCounts: fc.array(pair, { maxLength: 20 }),
    workHistogram: fc.array(pair, { maxLength: 20 }),
    rounds: fc.array(fc.record({ flows: count, ns: time }), { maxLength: 12 }),
    established: fc.record({ packets: count, ns: time, probes: count }),
    wallMs: time,
  })
  .map(({ shardPick, ...r }) => ({ ...r, shard: shardPick % r.shards }));

/** A few ShardResults of plausible size, deterministic (for the fuzz seeds). */
export const SAMPLE_RESULTS: ShardResult[] = fc.sample(shardResultArb, { numRuns: 3, seed: 42 });
