// The .kpbs shard-results file: encode → decode gives back exactly what was written.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeShardFile, encodeShardFile } from '../../src/format/shard-codec.js';
import { InputError, KpbenchError } from '../../src/errors.js';
import { shardResultArb, WORKLOAD } from './arbitraries.js';

const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);

describe('encodeShardFile() / decodeShardFile()', () => {
  it('round-trips any valid shard results', () => {
    fc.assert(fc.property(fc.array(shardResultArb, { maxLength: 6 }), (results) => {
      const bytes = encodeShardFile(WORKLOAD, results);
      expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('KPBS');
      expect(decodeShardFile(bytes, 'x.kpbs')).toEqual({ workload: WORKLOAD, results });
    }), { numRuns: FUZZ_RUNS });
  });

  it('round-trips an empty result list and zero counters (absent default fields)', () => {
    const zero = {
      caseId: '', shard: 0, shards: 1, generated: 0,
      counters: { flows: 0, packets: 0, dnat: 0, nomatch: 0, reject: 0, ok: 0, failed: 0, workSum: 0, workMax: 0, extraSum: 0, digest: '0'.repeat(16) },
      endpointCounts: [], workHistogram: [], rounds: [], established: { packets: 0, ns: 0, probes: 0 }, wallMs: 0,
    };
    expect(decodeShardFile(encodeShardFile(WORKLOAD, []), 'e.kpbs').results).toEqual([]);
    expect(decodeShardFile(encodeShardFile(WORKLOAD, [zero]), 'z.kpbs').results).toEqual([zero]);
  });

  it('refuses to encode a count that is not a non-negative integer', () => {
    const [r] = fc.sample(shardResultArb, { numRuns: 1, seed: 1 });
    expect(() => encodeShardFile(WORKLOAD, [{ ...r!, generated: 1.5 }])).toThrow(KpbenchError);
  });

  it('rejects a well-formed file whose values are wrong, naming the field', () => {
    const [r] = fc.sample(shardResultArb, { numRuns: 1, seed: 2 });
    const bad = encodeShardFile(WORKLOAD, [{ ...r!, shard: 3, shards: 3 }]);
    expect(() => decodeShardFile(bad, 'b.kpbs')).toThrow(InputError);
    expect(() => decodeShardFile(bad, 'b.kpbs')).toThrow(/b\.kpbs: \$\.results\[0\]\.shard: shard 3 of 3/);
    const badWorkload = encodeShardFile({ ...WORKLOAD, flows: -1 }, [r!]);
    expect(() => decodeShardFile(badWorkload, 'w.kpbs')).toThrow(/\$\.workload_json\.flows: expected an integer/);
  });
});
