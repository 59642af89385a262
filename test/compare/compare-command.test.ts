// The acceptance cases of issue 6 on synthetic reports, through the `compare` command function.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../../src/cli/compare.js';
import { runCli, scratchDir, writeJson } from './cli-helpers.js';
import { syntheticReport } from './synthetic.js';
import { mix32 } from '../../src/gen/counter-random.js';

const base = syntheticReport({ stream: 1 });

async function compare(head: unknown, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}, baseDoc: unknown = base) {
  const dir = scratchDir();
  const b = writeJson(dir, 'base.json', baseDoc);
  const h = writeJson(dir, 'head.json', head);
  return { dir, ...(await runCli(compareCommand, [b, h, ...extra], env)) };
}

describe('kpbench compare', () => {
  it('passes (exit 0) when head is base measured again', async () => {
    const r = await compare(syntheticReport({ stream: 2 }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdict: OK \(exit 0\)/);
  });

  it('fails with exit 1 on a 40% slowdown in one case, naming it', async () => {
    const r = await compare(syntheticReport({ stream: 2, factor: (id) => (id === 'iptables/10000' ? 1.4 : 1) }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/iptables\/10000 .*regression \(unconfirmed: no re-run\)/);
    expect(r.stdout).toMatch(/verdict: FAIL \(exit 1\): timed regression in iptables\/10000$/m);
  });

  it('passes (exit 0) on pure noise of ±8% across cases and rounds', async () => {
    for (let trial = 0; trial < 20; trial++) {
      const shift = (id: string): number => 1 + 0.08 * (2 * (mix32(trial * 7919 + id.length * 31 + id.charCodeAt(0)) / 2 ** 32) - 1);
      const head = syntheticReport({ stream: 100 + trial, jitter: 0.08, factor: shift });
      const noisyBase = syntheticReport({ stream: 200 + trial, jitter: 0.08 });
      const r = await compare(head, [], {}, noisyBase);
      expect(r.code, `trial ${trial}:\n${r.stdout}`).toBe(0);
    }
  });

  it('compares normalised times: a head on a machine twice as slow is not a regression', async () => {
    const r = await compare(syntheticReport({ stream: 2, nsPerUnit: 3 }));
    expect(r.code).toBe(0);
  });

  it('fails with exit 3 naming the case when the rules-evaluated count changes', async () => {
    const head = syntheticReport({
      stream: 2,
      exact: (c) => (c.id === 'iptables/100' ? { ...c, work: { ...c.work, mean: c.work.mean + 0.5, p99: c.work.p99 + 1 } } : c),
    });
    const r = await compare(head);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/iptables\/100 .*exact: work\.mean 60 → 60\.5; work\.p99 62 → 63/);
    expect(r.stdout).toMatch(/FAIL \(exit 3\): exact counters changed in iptables\/100 /);
  });

  it('reports a digest change case by case and fails with exit 3', async () => {
    const head = syntheticReport({ stream: 2, exact: (c) => (c.id === 'ipvs:rr/10000' ? { ...c, digest: '0123456789abcdef' } : c) });
    const r = await compare(head);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ipvs:rr\/10000 .*exact: digest [0-9a-f]{8}… → 01234567…/);
  });

  it('accepts tier A changes when the baseline was updated in the same change', async () => {
    const head = syntheticReport({ stream: 2, exact: (c) => (c.id === 'iptables/100' ? { ...c, work: { ...c.work, p99: c.work.p99 + 1 } } : c) });
    expect((await compare(head, ['--baseline-updated'])).code).toBe(0);
    expect((await compare(head, [], { KPBENCH_BASELINE_UPDATED: '1' })).code).toBe(0);
  });

  it('reports cases present in one file only as tier A changes', async () => {
    const head = syntheticReport({ stream: 2 });
    const fewer = { ...head, cases: head.cases.filter((c) => c.id !== 'nftables/100') };
    const r = await compare(fewer);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/nftables\/100 .*case present → missing/);
    const more = await compare(head, [], {}, { ...base, cases: base.cases.filter((c) => c.id !== 'userspace/100') });
    expect(more.code).toBe(3);
    expect(more.stdout).toMatch(/userspace\/100 .*case missing → present/);
  });

  describe('exit 2 with a one-line reason', () => {
    const oneLine = (r: { code: number; stderr: string }, pattern: RegExp): void => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    };
    it('for a corrupt baseline', async () => {
      oneLine(await compare(syntheticReport({ stream: 2 }), [], {}, '{"schemaVersion": 1, "tool": "kpbench", "cases": [tru'), /base\.json: \$: not valid JSON/);
    });
    it('for a baseline of another schema version', async () => {
      oneLine(await compare(syntheticReport({ stream: 2 }), [], {}, { ...base, schemaVersion: 99 }), /schemaVersion: version 99 is not 1/);
    });
    it('for a baseline with a broken case', async () => {
      const broken = { ...base, cases: [{ ...base.cases[0], digest: 'xyz' }, ...base.cases.slice(1)] };
      oneLine(await compare(syntheticReport({ stream: 2 }), [], {}, broken), /\$\.cases\[0\]\.digest: expected 16 hex digits/);
    });
    it('for a baseline with broken calibration figures', async () => {
      const broken = { ...base, calibration: { ...base.calibration, nsPerUnit: -1 } };
      oneLine(await compare(syntheticReport({ stream: 2 }), [], {}, broken), /\$\.calibration\.nsPerUnit: expected a number > 0/);
    });
    it('for a baseline of another seed or flow count', async () => {
      oneLine(await compare(syntheticReport({ stream: 2, seed: 7 })), /measure different workloads \(seed 1 vs 7\)/);
      const r = await compare({ ...syntheticReport({ stream: 2 }), workload: { ...base.workload, flows: 1000 } });
      oneLine(r, /flows 200000 vs 1000/);
    });
    it('for a missing file, a partial shard report and an interrupted run', async () => {
      oneLine(await runCli(compareCommand, ['/nonexistent/base.json', '/nonexistent/head.json']), /BASE \/nonexistent\/base\.json: ENOENT/);
      oneLine(await compare({ ...syntheticReport({ stream: 2 }), complete: false }), /an interrupted run/);
      oneLine(await compare({ ...syntheticReport({ stream: 2 }), shards: [] }), /a partial --shard report/);
    });
    it('for bad arguments', async () => {
      oneLine(await runCli(compareCommand, ['only-one.json']), /give two reports/);
      oneLine(await compare(base, ['--format', 'csv']), /--format csv: use one of md, gab, gab-bigger, bmf, json/);
    });
  });

  it('accepts the N list in any order', async () => {
    const head = syntheticReport({ stream: 2 });
    expect((await compare({ ...head, workload: { ...head.workload, services: [10_000, 100] } })).code).toBe(0);
  });

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY and writes --output atomically', async () => {
    const dir = scratchDir();
    const summary = join(dir, 'summary.md');
    writeJson(dir, 'summary.md', 'earlier step\n');
    const out = join(dir, 'gab.json');
    const r = await compare(syntheticReport({ stream: 2, factor: (id) => (id === 'ipvs:lc/100' ? 1.4 : 1) }), ['--format', 'gab', '--output', out], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('earlier step\n## kpbench regression check')).toBe(true);
    expect(md).toContain('| `ipvs:lc/100` |');
    const gab = JSON.parse(readFileSync(out, 'utf8')) as Array<{ name: string }>;
    expect(gab.map((e) => e.name)).toContain('ipvs:lc/100 time');
  });

  it('prints a chosen format instead of the terminal summary without --output', async () => {
    const r = await compare(syntheticReport({ stream: 2 }), ['--format', 'bmf']);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toContain('iptables/100');
  });
});
