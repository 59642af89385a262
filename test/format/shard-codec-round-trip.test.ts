// The .kpbs shard-results file: encode → decode gives back exactly what was written.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Builder } from 'flatbuffers';
import { decodeShardFile, decodeShardPayload, encodeShardFile, encodeShardPayload, SHARD_FILE_IDENTIFIER } from '../../src/format/shard-codec.js';
import { InputError, KpbenchError } from '../../src/errors.js';
import type { RunEnv } from '../../src/report/env.js';
import { ENV, envArb, shardResultArb, WORKLOAD } from './arbitraries.js';

const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);

/** A payload whose env_json text is `text` (padded with spaces to the length of ENV's JSON, which it replaces). */
function withEnvText(text: string): Uint8Array {
  const json = JSON.stringify(ENV);
  expect(text.length).toBeLessThanOrEqual(json.length);
  const bytes = encodeShardPayload({ workload: WORKLOAD, env: ENV, results: [] });
  const at = Buffer.from(bytes).indexOf(json);
  bytes.set(new TextEncoder().encode(text.padEnd(json.length)), at);
  return bytes;
}

/** The InputError `f` throws. */
function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, got none');
}

describe('encodeShardFile() / decodeShardFile()', () => {
  it('round-trips any valid shard results and env', () => {
    fc.assert(fc.property(envArb, fc.array(shardResultArb, { maxLength: 6 }), (env, results) => {
      const bytes = encodeShardFile({ workload: WORKLOAD, env, results });
      expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('KPBS');
      expect(decodeShardFile(bytes, 'x.kpbs')).toEqual({ workload: WORKLOAD, env, results });
    }), { numRuns: FUZZ_RUNS });
  });

  it('round-trips an empty result list and zero counters (absent default fields)', () => {
    const zero = {
      caseId: '', shard: 0, shards: 1, generated: 0,
      counters: { flows: 0, packets: 0, dnat: 0, nomatch: 0, reject: 0, ok: 0, failed: 0, workSum: 0, workMax: 0, extraSum: 0, digest: '0'.repeat(16) },
      endpointCounts: [], workHistogram: [], rounds: [], established: { packets: 0, ns: 0, probes: 0 }, wallMs: 0,
    };
    expect(decodeShardFile(encodeShardFile({ workload: WORKLOAD, env: ENV, results: [] }), 'e.kpbs')).toEqual({ workload: WORKLOAD, env: ENV, results: [] });
    expect(decodeShardFile(encodeShardFile({ workload: WORKLOAD, env: ENV, results: [zero] }), 'z.kpbs').results).toEqual([zero]);
  });

  it('refuses to encode a count that is not a non-negative integer', () => {
    const [r] = fc.sample(shardResultArb, { numRuns: 1, seed: 1 });
    expect(() => encodeShardFile({ workload: WORKLOAD, env: ENV, results: [{ ...r!, generated: 1.5 }] })).toThrow(KpbenchError);
  });

  it('rejects a well-formed file whose values are wrong, naming the field', () => {
    const [r] = fc.sample(shardResultArb, { numRuns: 1, seed: 2 });
    const bad = encodeShardFile({ workload: WORKLOAD, env: ENV, results: [{ ...r!, shard: 3, shards: 3 }] });
    expect(() => decodeShardFile(bad, 'b.kpbs')).toThrow(InputError);
    expect(() => decodeShardFile(bad, 'b.kpbs')).toThrow(/b\.kpbs: \$\.results\[0\]\.shard: shard 3 of 3/);
    const badWorkload = encodeShardFile({ workload: { ...WORKLOAD, flows: -1 }, env: ENV, results: [r!] });
    expect(() => decodeShardFile(badWorkload, 'w.kpbs')).toThrow(/\$\.workload_json\.flows: expected an integer/);
  });

  it('rejects an env_json of wrong types or missing fields, naming each place and the fix', () => {
    const { commit: _, ...noCommit } = ENV;
    const wrong = { ...noCommit, simd: 'yes', cores: -1, cpu: 7 } as unknown as RunEnv;
    const bad = encodeShardFile({ workload: WORKLOAD, env: wrong, results: [] });
    const { message } = inputError(() => decodeShardFile(bad, 'e.kpbs'));
    for (const place of ['cpu: expected a string', 'cores: expected a number ≥ 0', 'simd: expected true or false', 'commit: missing']) {
      expect(message).toContain(`$.env_json.${place}; re-create the file with this kpbench (kpbench run --shard)`);
    }
    // a merge passes the env on to its report, whose text prints the load averages
    const oddLoad = encodeShardFile({ workload: WORKLOAD, env: { ...ENV, loadAvg: 'high' } as unknown as RunEnv, results: [] });
    expect(inputError(() => decodeShardFile(oddLoad, 'l.kpbs')).message).toContain('$.env_json.loadAvg: expected an array');
  });

  it('rejects an env_json that is not JSON or not an object', () => {
    expect(() => decodeShardPayload(withEnvText(JSON.stringify(ENV).slice(0, 40)), 'cut.kpbs')).toThrow(/^cut\.kpbs: \$\.env_json: not valid JSON \(.*\); the file is truncated/);
    expect(() => decodeShardPayload(withEnvText('null'), 'n.kpbs')).toThrow(/^n\.kpbs: \$\.env_json: expected an object; re-create/);
    expect(() => decodeShardPayload(withEnvText('[true]'), 'a.kpbs')).toThrow(/^a\.kpbs: \$\.env_json: expected an object/);
    expect(() => decodeShardPayload(withEnvText(JSON.stringify({ ...ENV, simd: 1 })), 's.kpbs')).toThrow(/^s\.kpbs: \$\.env_json\.simd: expected true or false/);
  });

  it('refuses a version-1 file (no env_json) with the version message, exit 2', () => {
    const b = new Builder(256);
    const workload = b.createString(JSON.stringify(WORKLOAD));
    b.startVector(4, 0, 4);
    const results = b.endVector();
    b.startObject(3);
    b.addFieldInt32(0, 1, 0);
    b.addFieldOffset(1, workload, 0);
    b.addFieldOffset(2, results, 0);
    b.finish(b.endObject(), SHARD_FILE_IDENTIFIER);
    const v1 = b.asUint8Array().slice();
    const error = inputError(() => decodeShardPayload(v1, 'old.kpbs'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('old.kpbs: $.version: format version 1 is not 2; re-create the file with this kpbench (kpbench run --shard)');
  });
});
