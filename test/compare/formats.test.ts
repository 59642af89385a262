import { describe, expect, it } from 'vitest';
import { gabBigger, gabSmaller } from '../../src/compare/gab.js';
import { bmf } from '../../src/compare/bmf.js';
import { syntheticReport } from './synthetic.js';

const report = syntheticReport({ stream: 1 });

describe('github-action-benchmark output', () => {
  it('customSmallerIsBetter: time, normalised time and work per case', () => {
    const entries = gabSmaller(report);
    expect(entries).toHaveLength(report.cases.length * 3);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['name', 'unit', 'value']));
      expect(typeof e.value).toBe('number');
      expect(Number.isFinite(e.value)).toBe(true);
    }
    const ipt = entries.filter((e) => e.name.startsWith('iptables/100 '));
    expect(ipt.map((e) => e.unit)).toEqual(['ns/flow', 'calibration units/flow', 'rules evaluated/flow']);
    expect(ipt[0]!.range).toMatch(/^± [0-9.]+$/);
    expect(ipt[0]!.extra).toMatch(/seed 1, 200000 flows, 5 rounds, digest [0-9a-f]{16}/);
  });
  it('customBiggerIsBetter: Mflows/s per case', () => {
    const entries = gabBigger(report);
    expect(entries).toHaveLength(report.cases.length);
    expect(entries[0]).toMatchObject({ name: 'iptables/100 throughput', unit: 'Mflows/s' });
    expect(entries[0]!.value).toBeCloseTo(report.cases[0]!.mflowsPerSec, 3);
  });
});

describe('Bencher Metric Format output', () => {
  it('has latency, throughput, rules-per-flow and normalised-latency per case', () => {
    const out = bmf(report);
    expect(Object.keys(out)).toEqual(report.cases.map((c) => c.id));
    const c = report.cases[0]!;
    const m = out[c.id]!;
    expect(Object.keys(m)).toEqual(['latency', 'throughput', 'rules-per-flow', 'normalised-latency']);
    expect(m['latency']!.lower_value!).toBeLessThanOrEqual(m['latency']!.value);
    expect(m['latency']!.upper_value!).toBeGreaterThanOrEqual(m['latency']!.value);
    expect(m['throughput']!.value / (1e9 / c.nsPerFlow.median)).toBeCloseTo(1, 5);
    expect(m['throughput']!.lower_value!).toBeLessThanOrEqual(m['throughput']!.value);
    expect(m['rules-per-flow']).toEqual({ value: c.work.mean });
  });
});
