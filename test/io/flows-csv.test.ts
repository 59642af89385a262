// SPEC 2.3: flow CSV in start order; problems name line and column.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { parseFlowsCsv } from '../../src/io/flows-csv.js';
import { InputError, KpbenchError } from '../../src/errors.js';
import { parseIPv4 } from '../../src/model/ipv4.js';

/** Generated inputs per fuzz property; KPBENCH_FUZZ_RUNS=100000 for a long run. */
const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);

const HEADER = 'start,src,sport,dst,dport,proto,duration';

describe('parseFlowsCsv()', () => {
  it('reads rows in order, with decimals, CRLF and a BOM', () => {
    const flows = parseFlowsCsv(`\ufeff${HEADER}\r\n0,10.0.0.1,40000,10.96.40.10,80,tcp,1.5\r\n0.25,10.0.0.2,40001,10.96.0.10,53,udp,0\r\n`, 'f.csv');
    expect(flows).toEqual([
      { index: 0, start: 0, src: parseIPv4('10.0.0.1'), sport: 40000, dst: parseIPv4('10.96.40.10'), dport: 80, proto: 'tcp', duration: 1.5 },
      { index: 1, start: 0.25, src: parseIPv4('10.0.0.2'), sport: 40001, dst: parseIPv4('10.96.0.10'), dport: 53, proto: 'udp', duration: 0 },
    ]);
  });

  it('names the line and column of each bad field', () => {
    const text = `${HEADER}\n0,10.0.0.1,40000,10.96.40.10,80,tcp,1\n1,10.0.0.x,70000,10.96.40.10,80,icmp,-1\n`;
    try {
      parseFlowsCsv(text, 'f.csv');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).problems.map((p) => p.place)).toEqual([
        'line 3, column 2 (src)', 'line 3, column 3 (sport)', 'line 3, column 6 (proto)', 'line 3, column 7 (duration)',
      ]);
    }
  });

  it('rejects rows out of start order, wrong field counts and a wrong header', () => {
    expect(() => parseFlowsCsv(`${HEADER}\n2,10.0.0.1,1,10.0.0.2,80,tcp,1\n1,10.0.0.1,1,10.0.0.2,80,tcp,1\n`, 'f.csv'))
      .toThrow(/line 3, column 1 \(start\): start 1 is before the previous row's 2; sort the rows by start/);
    expect(() => parseFlowsCsv(`${HEADER}\n1,10.0.0.1,1\n`, 'f.csv')).toThrow(/line 2: expected 7 fields, found 3/);
    expect(() => parseFlowsCsv('start,src\n', 'f.csv')).toThrow(/line 1: the header must be exactly/);
  });

  test.prop([fc.array(fc.string({ maxLength: 60 }), { maxLength: 20 })], { numRuns: FUZZ_RUNS })('any text is read or rejected with a KpbenchError', (rows) => {
    try {
      const flows = parseFlowsCsv([HEADER, ...rows].join('\n'), 'fuzz.csv');
      expect(flows.length).toBeLessThanOrEqual(rows.length);
    } catch (e) {
      expect(e).toBeInstanceOf(KpbenchError);
    }
  });
});
