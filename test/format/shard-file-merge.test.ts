// `kpbench merge` of .kpbs shard files gives the same report as the merge of the JSON shard reports.
// Runs the built workers and CLI (dist/; npm test builds first).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from '../../src/run/run.js';
import { buildReport, type RunConfig } from '../../src/cli/run.js';
import { mergeReports, readShardInput } from '../../src/cli/merge.js';
import { encodeShardFile } from '../../src/format/shard-codec.js';
import { packageRoot } from '../../src/wasm/package-root.js';
import type { Report } from '../../src/report/json-report.js';
import type { RunWorkload, ShardResult } from '../../src/run/spec.js';

const workload: RunWorkload = {
  seed: 9, endpoints: { lo: 2, hi: 4 }, weights: { lo: 1, hi: 3 }, flows: 4000, popularity: { kind: 'uniform' }, miss: 0.05,
  clients: 300, rate: 5000, duration: 1, packets: 4, tcp: 0.8, dead: 0.1, tcpFinTimeout: 120, udpTimeout: 300,
};
const dir = mkdtempSync(join(tmpdir(), 'kpbench-kpbs-'));
const comparable = (r: Report) => ({ workload: r.workload, complete: r.complete, cases: r.cases, crossovers: r.crossovers });

describe('merge of .kpbs shard files', () => {
  const json: Array<{ source: string; report: Report }> = [];
  const shardResults: Array<readonly ShardResult[]> = [];
  /** Writes shard `index` as a .kpbs file, with the JSON shard's env changed by `env`, and reads it back. */
  const binaryShard = (index: number, env: Partial<Report['env']> = {}): { source: string; report: Report } => {
    const path = join(dir, `shard${index}.kpbs`);
    const { workload: w, env: e } = json[index]!.report;
    writeFileSync(path, encodeShardFile({ workload: w, env: { ...e, ...env }, results: shardResults[index]! }));
    return readShardInput('merge', path);
  };

  beforeAll(async () => {
    for (const index of [0, 1, 2]) {
      const cfg: RunConfig = {
        workload, services: [20, 200], modes: ['iptables', 'ipvs', 'nftables'], schedulers: ['rr', 'sh'], workers: 2, shards: 3, rounds: 2,
        build: 'simd', partial: { index, count: 3 }, taskTimeoutMs: 120_000, fault: undefined,
      };
      const out = await runBenchmark({
        workload, services: cfg.services, modes: cfg.modes, schedulers: cfg.schedulers, workers: 2, rounds: 2, build: 'simd', taskTimeoutMs: 120_000,
        partial: { index, count: 3 },
      });
      json.push({ source: `shard${index}.json`, report: JSON.parse(JSON.stringify(buildReport(cfg, out))) as Report });
      shardResults.push(out.shardResults);
    }
  });

  it('equals the merge of the JSON shard reports (in process)', () => {
    const binary = [0, 1, 2].map((i) => binaryShard(i));
    binary.forEach((b, i) => expect(b.report.env).toEqual(json[i]!.report.env));
    const fromJson = mergeReports(json);
    expect(fromJson.cases).toHaveLength(2 * (2 + 2));
    expect(comparable(mergeReports(binary))).toEqual(comparable(fromJson));
    expect(comparable(mergeReports([json[0]!, binary[1]!, json[2]!]))).toEqual(comparable(fromJson));
    expect(() => mergeReports(binary.slice(1))).toThrow(/shard 0 of 3 missing/);
  });

  it('takes the SIMD flag and commit from the env a .kpbs file recorded, not from the merging machine', () => {
    const scalar = mergeReports([binaryShard(1, { simd: false, commit: 'feedface0001', cpu: 'the shard machine', cores: 96 }), json[0]!, json[2]!]);
    expect(scalar.env.simd).toBe(false);
    expect(scalar.env.commit).toBe('feedface0001');
    expect(scalar.env.cpu).toBe('the shard machine');
    expect(scalar.env.cores).toBe(96);
    expect(mergeReports([json[0]!, binaryShard(1, { simd: true }), json[2]!]).env.simd).toBe(true);
    expect(mergeReports([json[0]!, json[1]!, binaryShard(2, { simd: false })]).env.simd).toBe(false);
  });

  it('kpbench run --shard-file writes a file that kpbench merge reads (CLI)', () => {
    const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
    const kpbench = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
    const common = ['--services', '20', '--modes', 'iptables,ipvs', '--schedulers', 'rr', '--flows', '3000', '--rounds', '2', '--workers', '1', '--seed', '3'];
    for (const i of [0, 1]) {
      const r = kpbench('run', ...common, '--shard', `${i}/2`, '--shard-file', join(dir, `cli${i}.kpbs`), '--out-dir', join(dir, `cli${i}`));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const a = kpbench('merge', join(dir, 'cli0.kpbs'), join(dir, 'cli1.kpbs'), '--out-dir', join(dir, 'm-bin'));
    const b = kpbench('merge', join(dir, 'cli0', 'kpbench.json'), join(dir, 'cli1', 'kpbench.json'), '--out-dir', join(dir, 'm-json'));
    expect([a.status, b.status]).toEqual([0, 0]);
    const read = (d: string) => comparable(JSON.parse(readFileSync(join(dir, d, 'kpbench.json'), 'utf8')) as Report);
    expect(read('m-bin')).toEqual(read('m-json'));
    const env = (d: string) => (JSON.parse(readFileSync(join(dir, d, 'kpbench.json'), 'utf8')) as Report).env;
    expect(env('m-bin').commit).toBe(env('m-json').commit);
    expect(env('m-bin').simd).toBe(true);
    const noShard = kpbench('run', ...common, '--shard-file', join(dir, 'x.kpbs'));
    expect(noShard.status).toBe(2);
    expect(noShard.stderr).toMatch(/--shard-file needs --shard i\/n/);
    writeFileSync(join(dir, 'cut.kpbs'), readFileSync(join(dir, 'cli0.kpbs')).subarray(0, 100));
    const cut = kpbench('merge', join(dir, 'cut.kpbs'), join(dir, 'cli1.kpbs'), '--out-dir', join(dir, 'm-cut'));
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/cut\.kpbs: byte \d+.*re-create it with kpbench run --shard/);
  });
});
