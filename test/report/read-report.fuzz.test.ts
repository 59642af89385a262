// SPEC 6 / issue 7: result and baseline files are untrusted: any text, any JSON, any mutation of a
// real report is either read or rejected with an InputError naming the place — nothing else escapes.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { parseReport } from '../../src/report/read-report.js';
import { InputError, KpbenchError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/report/json-report.js';

const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);

const validCase = {
  id: 'ipvs:rr/100', mode: 'ipvs', scheduler: 'rr', services: 100, endpoints: 300, flows: 1000,
  verdicts: { dnat: 990, nomatch: 10, reject: 0 }, outcomes: { ok: 990, failed: 0 }, digest: '0123456789abcdef',
  work: { mean: 1, p50: 1, p99: 2, max: 3 }, retries: 0, hashProbesPerLookup: 1,
  balance: { maxOverMean: 1.1, minOverMean: 0.9, cv: 0.05, jain: 0.99, chi2p: 0.4 },
  nsPerFlow: { median: 50, min: 40, max: 60, ci95: [45, 55], rounds: [50, 51, 49] }, mflowsPerSec: 20, nsPerRule: null,
  speedupOverIptables: 2, established: { nsPerPacket: 20, packets: 100, probesPerLookup: 1 },
};
const valid = {
  schemaVersion: SCHEMA_VERSION, tool: 'kpbench',
  env: { node: 'v20', v8: '11', cpu: 'x', cores: 2, memBytes: 1, loadAvg: [0, 0, 0], simd: true, commit: 'abc', date: '2026-01-01' },
  workload: {
    seed: 1, endpoints: { lo: 3, hi: 3 }, weights: { lo: 1, hi: 1 }, flows: 1000, popularity: { kind: 'uniform' }, miss: 0, clients: 10,
    rate: 100, duration: 1, packets: 10, tcp: 1, dead: 0, tcpFinTimeout: 120, udpTimeout: 300, services: [100], modes: ['ipvs'],
    schedulers: ['rr'], rounds: 3, workers: 1,
  },
  complete: true, run: { wallMs: 1, cpuMs: 1 }, cases: [validCase], crossovers: [],
};

function readsOrRejects(text: string): void {
  try {
    parseReport(text, 'fuzz.json');
  } catch (e) {
    expect(e).toBeInstanceOf(KpbenchError);
    expect((e as Error).message).toMatch(/^fuzz\.json: /);
  }
}

describe('parseReport()', () => {
  it('reads a valid report', () => {
    expect(parseReport(JSON.stringify(valid), 'r.json').cases[0]!.digest).toBe('0123456789abcdef');
  });

  it('names the place of a wrong field', () => {
    const bad = structuredClone(valid) as any;
    bad.cases[0].digest = 'xyz';
    bad.cases[0].verdicts.dnat = -1;
    expect(() => parseReport(JSON.stringify(bad), 'r.json')).toThrow(/\$\.cases\[0\]\.verdicts\.dnat: expected a number ≥ 0; \$\.cases\[0\]\.digest: expected 16 hex digits/);
  });

  it('rejects another schema version with the fix', () => {
    expect(() => parseReport(JSON.stringify({ ...valid, schemaVersion: 99 }), 'r.json')).toThrow(/schemaVersion: version 99 is not 1; re-create the file/);
  });

  test.prop([fc.string({ maxLength: 300 })], { numRuns: FUZZ_RUNS })('any text is read or rejected with a KpbenchError', readsOrRejects);

  test.prop([fc.jsonValue({ maxDepth: 5 })], { numRuns: FUZZ_RUNS })('any JSON value is read or rejected', (v) => readsOrRejects(JSON.stringify(v)));

  test.prop([fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 })], { numRuns: FUZZ_RUNS })(
    'a valid report with fields replaced by arbitrary JSON is read or rejected', (edits) => {
      const doc = structuredClone(valid) as any;
      const paths: Array<[any, string]> = [];
      const walk = (o: any): void => {
        if (o === null || typeof o !== 'object') return;
        for (const k of Object.keys(o)) {
          paths.push([o, k]);
          walk(o[k]);
        }
      };
      walk(doc);
      for (const [i, v] of edits) {
        const [o, k] = paths[i % paths.length]!;
        o[k] = v;
      }
      readsOrRejects(JSON.stringify(doc));
    });

  test.prop([fc.nat(), fc.nat({ max: 7 })], { numRuns: FUZZ_RUNS })('a truncated or bit-flipped report is read or rejected', (at, bit) => {
    const text = JSON.stringify(valid);
    readsOrRejects(text.slice(0, at % text.length));
    const i = at % text.length;
    readsOrRejects(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << bit)) + text.slice(i + 1));
  });

  it('is an InputError, exit code 2', () => {
    try {
      parseReport('{', 'r.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).exitCode).toBe(2);
    }
  });
});
