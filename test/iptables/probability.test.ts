import { describe, expect, it } from 'vitest';
import {
  endpointProbability,
  formatFixed,
  savedProbability,
  storedThreshold,
  writtenProbability,
} from '../../src/iptables/probability.js';

// dataplane.md 2.5, row by row: k, written (kube-proxy), stored threshold, iptables-save text.
const TABLE: readonly (readonly [number, string, number, string])[] = [
  [2, '0.5000000000', 1073741824, '0.50000000000'],
  [3, '0.3333333333', 715827883, '0.33333333349'],
  [4, '0.2500000000', 536870912, '0.25000000000'],
  [5, '0.2000000000', 429496730, '0.20000000019'],
  [6, '0.1666666667', 357913941, '0.16666666651'],
  [7, '0.1428571429', 306783378, '0.14285714272'],
  [9, '0.1111111111', 238609294, '0.11111111101'],
  [10, '0.1000000000', 214748365, '0.10000000009'],
  [12, '0.0833333333', 178956971, '0.08333333349'],
  [20, '0.0500000000', 107374182, '0.04999999981'],
  [100, '0.0100000000', 21474836, '0.00999999978'],
  [1000, '0.0010000000', 2147484, '0.00100000016'],
];

describe('probability (dataplane.md 2.5 table)', () => {
  it.each(TABLE)('k = %i: written %s, stored %i, saved %s', (k, written, stored, saved) => {
    expect(writtenProbability(k)).toBe(written);
    expect(storedThreshold(written)).toBe(stored);
    expect(savedProbability(stored)).toBe(saved);
    expect(endpointProbability(k)).toEqual({ written, value: Number(written), threshold: stored, saved });
  });
});

describe('formatFixed()', () => {
  it('breaks exact ties to even like Go and glibc, unlike toFixed', () => {
    // 1/2048 = 0.00048828125 exactly: the 11th decimal is a tie.
    expect(formatFixed(1 / 2048, 10)).toBe('0.0004882812');
    expect((1 / 2048).toFixed(10)).toBe('0.0004882813');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(2.5, 0)).toBe('2');
  });

  it('prints the exact binary value, not the shortest decimal', () => {
    // 0.1 is 0.1000000000000000055511151231257827… in binary.
    expect(formatFixed(0.1, 20)).toBe('0.10000000000000000555');
    expect(formatFixed(1e21, 1)).toBe('1000000000000000000000.0');
    expect(formatFixed(0, 3)).toBe('0.000');
  });

  it('rounds the 1/4096 threshold tie to even when saving', () => {
    // written 0.0002441406 is stored as 2^19, i.e. exactly 1/4096 = 0.000244140625.
    expect(storedThreshold(writtenProbability(4096))).toBe(524288);
    expect(savedProbability(524288)).toBe('0.00024414062');
  });

  it('rejects negative and non-finite input', () => {
    expect(() => formatFixed(-1, 2)).toThrow(RangeError);
    expect(() => formatFixed(Number.NaN, 2)).toThrow(RangeError);
    expect(() => endpointProbability(0)).toThrow(RangeError);
  });
});
