import { describe, expect, it } from 'vitest';
import { baselineUpdated, baseRefOf, type GitRunner } from '../../src/compare/baseline-updated.js';

/** A fake git answering by subcommand. */
function git(answers: Partial<Record<'status' | 'ls-files' | 'diff', { status: number | null; stdout?: string }>>): GitRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run: GitRunner = (args) => {
    calls.push([...args]);
    const a = answers[args[0] as 'status' | 'ls-files' | 'diff'] ?? { status: 0 };
    return { status: a.status, stdout: a.stdout ?? '' };
  };
  return Object.assign(run, { calls });
}

describe('baselineUpdated()', () => {
  it('is true with the flag or the environment override', () => {
    expect(baselineUpdated('bench/baseline.json', { flag: true, env: {}, git: git({}) }).updated).toBe(true);
    expect(baselineUpdated('bench/baseline.json', { flag: false, env: { KPBENCH_BASELINE_UPDATED: '1' }, git: git({}) }).updated).toBe(true);
  });
  it('is true when the file has uncommitted changes', () => {
    const r = baselineUpdated('bench/baseline.json', { flag: false, env: {}, git: git({ status: { status: 0, stdout: ' M baseline.json\n' } }) });
    expect(r).toEqual({ updated: true, reason: 'bench/baseline.json has uncommitted changes' });
  });
  it('is false for a committed, unchanged file without a base ref', () => {
    expect(baselineUpdated('bench/baseline.json', { flag: false, env: {}, git: git({}) }).updated).toBe(false);
  });
  it('diffs against the merge base of a pull request', () => {
    const g = git({ diff: { status: 1 } });
    const r = baselineUpdated('bench/baseline.json', { flag: false, env: { GITHUB_BASE_REF: 'main' }, git: g });
    expect(r).toEqual({ updated: true, reason: 'bench/baseline.json changed since origin/main' });
    expect(g.calls.at(-1)).toEqual(['diff', '--quiet', 'origin/main...HEAD', '--', 'baseline.json']);
    expect(baselineUpdated('bench/baseline.json', { flag: false, env: { GITHUB_BASE_REF: 'main' }, git: git({ diff: { status: 0 } }) }).updated).toBe(false);
    expect(baselineUpdated('bench/baseline.json', { flag: false, env: {}, baseRef: 'v1', git: git({ diff: { status: 128 } }) }).reason).toMatch(/could not diff against v1/);
  });
  it('is false outside a checkout, or for an untracked ignored file', () => {
    expect(baselineUpdated('/tmp/x.json', { flag: false, env: {}, git: git({ status: { status: 128 } }) }).updated).toBe(false);
    expect(baselineUpdated('/tmp/x.json', { flag: false, env: {}, git: git({ status: { status: null } }) }).updated).toBe(false);
    expect(baselineUpdated('b.json', { flag: false, env: {}, git: git({ 'ls-files': { status: 1 } }) }).reason).toBe('b.json is not tracked by git');
  });
});

describe('baseRefOf()', () => {
  it('prefers the option, then KPBENCH_BASE_REF, then origin/$GITHUB_BASE_REF', () => {
    expect(baseRefOf('x', { KPBENCH_BASE_REF: 'y', GITHUB_BASE_REF: 'z' })).toBe('x');
    expect(baseRefOf(undefined, { KPBENCH_BASE_REF: 'y', GITHUB_BASE_REF: 'z' })).toBe('y');
    expect(baseRefOf(undefined, { GITHUB_BASE_REF: 'z' })).toBe('origin/z');
    expect(baseRefOf(undefined, { GITHUB_BASE_REF: '' })).toBeUndefined();
  });
});
