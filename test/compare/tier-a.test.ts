import { describe, expect, it } from 'vitest';
import { describeChanges, exactChanges } from '../../src/compare/tier-a.js';
import { syntheticReport } from './synthetic.js';

describe('exactChanges()', () => {
  const c = syntheticReport({ stream: 1 }).cases[0]!;
  it('finds nothing for identical exact figures, whatever the times', () => {
    const faster: typeof c = { ...c, nsPerFlow: { ...c.nsPerFlow, median: 1 } };
    expect(exactChanges(c, faster)).toEqual([]);
  });
  it('lists every changed figure in report order, digest first', () => {
    const h = { ...c, digest: 'ffffffffffffffff', verdicts: { ...c.verdicts, nomatch: 1 }, work: { ...c.work, p99: c.work.p99 + 1 }, retries: 2 };
    const changes = exactChanges(c, h);
    expect(changes.map((x) => x.field)).toEqual(['digest', 'verdicts.nomatch', 'work.p99', 'retries']);
    expect(describeChanges(changes)).toBe(`digest ${c.digest.slice(0, 8)}… → ffffffff…; verdicts.nomatch 0 → 1; work.p99 62 → 63; retries 0 → 2`);
  });
});
