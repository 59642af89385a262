// Reads explicit flows (SPEC 2.3): CSV `start,src,sport,dst,dport,proto,duration`, one flow per
// row in non-decreasing start order. Problems name their line and column.

import type { Flow } from '../model/flow.js';
import { parseIPv4 } from '../model/ipv4.js';
import { InputError, KpbenchError, type InputProblem } from '../errors.js';

/** The required header, in order. */
export const FLOW_CSV_COLUMNS = ['start', 'src', 'sport', 'dst', 'dport', 'proto', 'duration'] as const;
/** Most flows one CSV may hold (each becomes an object; use the synthetic workload for more). */
export const MAX_CSV_FLOWS = 5_000_000;
/** Longest line accepted. */
export const MAX_CSV_LINE = 4096;
/** Most problems reported before reading stops. */
const MAX_PROBLEMS = 20;

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const PORT = /^(0|[1-9][0-9]{0,4})$/;

/**
 * Parses flow CSV text.
 * @throws {InputError} naming `line L, column C (name)` for each problem (the first 20)
 */
export function parseFlowsCsv(text: string, source: string): Flow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const problems: InputProblem[] = [];
  const at = (line: number, col: number): string => `line ${line}, column ${col}${col >= 1 && col <= 7 ? ` (${FLOW_CSV_COLUMNS[col - 1]})` : ''}`;
  const header = (lines[0] ?? '').replace(/\r$/, '');
  if (header !== FLOW_CSV_COLUMNS.join(',')) {
    throw new InputError(source, [{ place: 'line 1', message: `the header must be exactly "${FLOW_CSV_COLUMNS.join(',')}"` }]);
  }
  if (lines.length - 1 > MAX_CSV_FLOWS) {
    throw new KpbenchError('KPB_ERR_LIMIT', `${source}: ${lines.length - 1} flows exceed the CSV limit of ${MAX_CSV_FLOWS}; split the file or use \`kpbench run\``);
  }
  const flows: Flow[] = [];
  let lastStart = 0;
  for (let li = 1; li < lines.length && problems.length < MAX_PROBLEMS; li++) {
    const line = lines[li]!.replace(/\r$/, '');
    const n = li + 1;
    if (line.length > MAX_CSV_LINE) {
      problems.push({ place: `line ${n}`, message: `${line.length} characters exceed the line limit of ${MAX_CSV_LINE}` });
      continue;
    }
    const f = line.split(',');
    if (f.length !== FLOW_CSV_COLUMNS.length) {
      problems.push({ place: `line ${n}`, message: `expected ${FLOW_CSV_COLUMNS.length} fields, found ${f.length}` });
      continue;
    }
    const bad = (col: number, message: string): null => {
      problems.push({ place: at(n, col), message });
      return null;
    };
    const time = (col: number): number | null => {
      const s = f[col - 1]!.trim();
      const v = Number(s);
      return DECIMAL.test(s) && Number.isFinite(v) ? v : bad(col, `expected seconds as a non-negative decimal, got "${s.slice(0, 40)}"`);
    };
    const ip = (col: number): number | null => parseIPv4(f[col - 1]!.trim()) ?? bad(col, `not an IPv4 address: "${f[col - 1]!.trim().slice(0, 40)}"`);
    const port = (col: number): number | null => {
      const s = f[col - 1]!.trim();
      return PORT.test(s) && Number(s) <= 65535 ? Number(s) : bad(col, `expected a port 0…65535, got "${s.slice(0, 40)}"`);
    };
    const start = time(1);
    const src = ip(2);
    const sport = port(3);
    const dst = ip(4);
    const dport = port(5);
    const p = f[5]!.trim();
    const proto = p === 'tcp' || p === 'udp' ? p : bad(6, `expected tcp or udp, got "${p.slice(0, 40)}"`);
    const duration = time(7);
    if (start === null || src === null || sport === null || dst === null || dport === null || proto === null || duration === null) continue;
    if (start < lastStart) {
      problems.push({ place: at(n, 1), message: `start ${start} is before the previous row's ${lastStart}; sort the rows by start` });
      continue;
    }
    lastStart = start;
    flows.push({ index: flows.length, start, src, sport, dst, dport, proto, duration });
  }
  if (problems.length > 0) throw new InputError(source, problems);
  return flows;
}
