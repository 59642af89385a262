// Confirmation of a flagged regression by a re-run (what `run --baseline` does after the run).

import { describe, expect, it } from 'vitest';
import { compareReports, exitCodeOf, withRerun } from '../../src/compare/compare.js';
import { markdownSummary } from '../../src/compare/markdown.js';
import { syntheticReport } from './synthetic.js';

const base = syntheticReport({ stream: 1 });
const slow = (f: number) => (id: string): number => (id === 'nftables/10000' ? f : 1);
const head = syntheticReport({ stream: 2, factor: slow(1.4) });
const opts = { baseSource: 'base.json', headSource: 'this run', baselineUpdated: false };
const rerunCase = (f: number, stream: number) => syntheticReport({ stream, rounds: 10, factor: slow(f) }).cases.find((c) => c.id === 'nftables/10000')!;

describe('withRerun()', () => {
  it('confirms a regression the re-run reproduces (exit 1)', () => {
    const cmp = withRerun(compareReports(base, head, opts), base, rerunCase(1.38, 3));
    const c = cmp.cases.find((x) => x.id === 'nftables/10000')!;
    expect(c.timed!.confirmation).toMatchObject({ state: 'confirmed', rounds: 10 });
    expect(exitCodeOf(cmp)).toBe(1);
    expect(markdownSummary(cmp)).toMatch(/regression, confirmed on re-run: 1\.3\d\d \[/);
  });
  it('downgrades to a warning when the re-run does not reproduce it (exit 0)', () => {
    const cmp = withRerun(compareReports(base, head, opts), base, rerunCase(1.0, 3));
    const c = cmp.cases.find((x) => x.id === 'nftables/10000')!;
    expect(c.timed!.confirmation).toMatchObject({ state: 'not-confirmed' });
    expect(exitCodeOf(cmp)).toBe(0);
    expect(markdownSummary(cmp)).toMatch(/⚠️ regression not confirmed on re-run/);
  });
  it('leaves cases that were not flagged alone', () => {
    const cmp = compareReports(base, head, opts);
    expect(withRerun(cmp, base, rerunCase(1.0, 3).id === 'x' ? rerunCase(1, 3) : { ...rerunCase(1, 3), id: 'ipvs:rr/100' })).toEqual(cmp);
  });
});

describe('markdownSummary()', () => {
  it('folds unchanged cases and ends the table with a geometric-mean row', () => {
    const md = markdownSummary(compareReports(base, head, opts));
    const [main, folded] = md.split('<details>');
    expect(main).toContain('| case | base | head | ratio [95% CI] | tier A | verdict |');
    expect(main).toContain('| `nftables/10000` |');
    expect(main).toMatch(/\| \*\*geometric mean\*\* \(10 cases\) \| [0-9.]+ u \| [0-9.]+ u \| 1\.0\d\d \|/);
    expect(folded).toMatch(/^<summary>9 unchanged cases<\/summary>/);
    expect(folded).toContain('| `iptables/100` |');
    expect(folded).toContain('</details>');
  });
});
