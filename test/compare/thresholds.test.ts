import { describe, expect, it } from 'vitest';
import { timedVerdict } from '../../src/compare/thresholds.js';

describe('timedVerdict()', () => {
  const cases: ReadonlyArray<[string, number, [number, number], number, string]> = [
    ['within ±3% is no change', 1.02, [0.95, 1.09], 0.01, 'unchanged'],
    ['−3% is no change', 0.97, [0.9, 1.05], 0.01, 'unchanged'],
    ['+6% is within noise', 1.06, [1.04, 1.08], 0.01, 'noise'],
    ['+12% with the interval above +3% warns', 1.12, [1.05, 1.2], 0.01, 'warning'],
    ['+12% with the interval reaching +2% is noise', 1.12, [1.02, 1.2], 0.01, 'noise'],
    ['+40% clear of 10% and of 3× noise fails', 1.4, [1.3, 1.5], 0.02, 'regression'],
    ['+40% with the interval low at +9% only warns', 1.4, [1.09, 1.6], 0.01, 'warning'],
    ['+40% within 3× a 12% noise floor only warns', 1.4, [1.3, 1.5], 0.12, 'warning'],
    ['+24% never fails', 1.24, [1.2, 1.28], 0, 'warning'],
    ['−20% with the interval below −3% is faster', 0.8, [0.75, 0.85], 0.01, 'faster'],
    ['−20% with a wide interval is noise', 0.8, [0.6, 1.0], 0.01, 'noise'],
  ];
  it.each(cases)('%s', (_name, ratio, ci, noise, expected) => {
    expect(timedVerdict(ratio, ci, noise)).toBe(expected);
  });
});
