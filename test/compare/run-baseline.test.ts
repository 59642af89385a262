// `run --save-baseline` and `run --baseline` after a run, with the re-run replaced by a stub (the
// live runner is exercised by the run tests and `.ci/run`).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Options } from '../../src/cli/args.js';
import { afterRun, BASELINE_FLAGS, BASELINE_VALUED, loadBaseline, type Rerun } from '../../src/cli/run-baseline.js';
import type { RunConfig } from '../../src/cli/run.js';
import type { CalibratedCase } from '../../src/compare/calibrated-report.js';
import { runCli, scratchDir, writeJson } from './cli-helpers.js';
import { syntheticReport } from './synthetic.js';

const base = syntheticReport({ stream: 1 });
const slowHead = syntheticReport({ stream: 2, factor: (id) => (id === 'iptables/10000' ? 1.4 : 1) });
const options = (argv: readonly string[]): Options => new Options('run', argv, BASELINE_VALUED, BASELINE_FLAGS);

function stubRerun(factor: number): Rerun & { calls: Array<[string, number]> } {
  const calls: Array<[string, number]> = [];
  const rerun: Rerun = async (c, rounds) => {
    calls.push([c.id, rounds]);
    return syntheticReport({ stream: 9, rounds, factor: (id) => (id === c.id ? factor : 1) }).cases.find((x) => x.id === c.id) as CalibratedCase;
  };
  return Object.assign(rerun, { calls });
}

describe('run --baseline', () => {
  it('re-runs only the flagged case with twice the rounds and fails when it confirms (exit 1)', async () => {
    const dir = scratchDir();
    const path = writeJson(dir, 'baseline.json', base);
    const rerun = stubRerun(1.4);
    const r = await runCli((argv, io) => afterRun('run', options(argv), io, slowHead, base, 5, rerun), ['--baseline', path]);
    expect(rerun.calls).toEqual([['iptables/10000', 10]]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/iptables\/10000 .*regression, confirmed on re-run/);
  });

  it('passes (exit 0) when the re-run does not confirm the slowdown', async () => {
    const dir = scratchDir();
    const path = writeJson(dir, 'baseline.json', base);
    const r = await runCli((argv, io) => afterRun('run', options(argv), io, slowHead, base, 5, stubRerun(1.0)), ['--baseline', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/regression not confirmed on re-run/);
  });

  it('does not re-run anything when nothing is flagged', async () => {
    const dir = scratchDir();
    const path = writeJson(dir, 'baseline.json', base);
    const rerun = stubRerun(1.4);
    const r = await runCli((argv, io) => afterRun('run', options(argv), io, syntheticReport({ stream: 3 }), base, 5, rerun), ['--baseline', path]);
    expect(r.code).toBe(0);
    expect(rerun.calls).toEqual([]);
  });
});

describe('run --save-baseline', () => {
  it('writes the report as the baseline, readable by compare', async () => {
    const dir = scratchDir();
    const path = join(dir, 'sub', 'baseline.json');
    const r = await runCli((argv, io) => afterRun('run', options(argv), io, base, null, 5, stubRerun(1)), ['--save-baseline', path]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(base)));
  });
});

describe('loadBaseline()', () => {
  const cfg = { workload: base.workload, services: [100, 10_000], partial: undefined } as unknown as RunConfig;
  it('refuses a baseline of another workload before the run (exit 2)', async () => {
    const dir = scratchDir();
    const path = writeJson(dir, 'baseline.json', { ...base, workload: { ...base.workload, seed: 5 } });
    const r = await runCli((argv) => (loadBaseline('run', options(argv), cfg), 0), ['--baseline', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/measure different workloads \(seed 5 vs 1\)/);
  });
  it('refuses a missing baseline (exit 2) and accepts a matching one', async () => {
    expect((await runCli((argv) => (loadBaseline('run', options(argv), cfg), 0), ['--baseline', '/nonexistent.json'])).code).toBe(2);
    const path = writeJson(scratchDir(), 'baseline.json', base);
    expect((await runCli((argv) => (loadBaseline('run', options(argv), cfg), 0), ['--baseline', path])).code).toBe(0);
  });
});

describe('run output options', () => {
  const cfg = { workload: base.workload, services: [100, 10_000], partial: undefined } as unknown as RunConfig;
  const load = (argv: readonly string[]) => runCli((a) => (loadBaseline('run', options(a), cfg), 0), argv);
  it('needs --output with --format, and --baseline for the comparison formats', async () => {
    expect((await load(['--format', 'gab'])).stderr).toMatch(/--format gab needs --output FILE/);
    expect((await load(['--output', 'x.md'])).stderr).toMatch(/--format md describes a comparison: add --baseline FILE/);
    expect((await load(['--format', 'bmf', '--output', 'x.json'])).code).toBe(0);
  });
  it('writes a head-only format without a baseline', async () => {
    const out = join(scratchDir(), 'gab.json');
    const r = await runCli((argv, io) => afterRun('run', options(argv), io, base, null, 5, stubRerun(1)), ['--format', 'gab-bigger', '--output', out]);
    expect(r.code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as unknown[]).length).toBe(base.cases.length);
  });
});
