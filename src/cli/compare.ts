// `kpbench compare BASE.json HEAD.json`: the regression verdict between two reports (SPEC 5).
// Two files cannot be re-measured, so a flagged timed regression stays "unconfirmed" and still
// fails when every other criterion holds; `run --baseline` re-runs and confirms instead.

import { readFileSync } from 'node:fs';
import { KpbenchError } from '../errors.js';
import { parseCalibratedReport, type CalibratedReport } from '../compare/calibrated-report.js';
import { assertComparable } from '../compare/compatibility.js';
import { compareReports, exitCodeOf } from '../compare/compare.js';
import { baselineUpdated } from '../compare/baseline-updated.js';
import { Options, usage } from './args.js';
import { emit, formatOption, OUTPUT_HELP, processIo, type CommandIo } from './compare-output.js';

/** Help text of `kpbench compare`. */
export const COMPARE_HELP = `kpbench compare BASE.json HEAD.json [--baseline-updated] [--base-ref REF]
${OUTPUT_HELP}
  exit 0 ok (warnings included), 1 timed regression, 2 invalid or incompatible input,
  3 exact-counter or digest change without a baseline update in the same change`;

/** Reads and checks one report file. @throws {KpbenchError} exit 2 */
export function readReportFile(cmd: string, role: string, path: string): CalibratedReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KpbenchError('KPB_ERR_INPUT', `${cmd}: ${role} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}; give a readable kpbench report`);
  }
  return parseCalibratedReport(text, path);
}

/** Runs `compare`; returns the exit code. @throws {KpbenchError} exit 2 for invalid or incompatible input */
export function compareCommand(argv: readonly string[], io: CommandIo = processIo): number {
  const cmd = 'compare';
  const o = new Options(cmd, argv, ['format', 'output', 'base-ref'], ['baseline-updated']);
  formatOption(cmd, o);
  if (o.positional.length !== 2) throw usage(cmd, `give two reports, BASE.json HEAD.json (got ${o.positional.length})`);
  const [basePath, headPath] = o.positional as [string, string];
  const base = readReportFile(cmd, 'BASE', basePath);
  const head = readReportFile(cmd, 'HEAD', headPath);
  assertComparable(base, head, basePath, headPath);
  const update = baselineUpdated(basePath, { flag: o.flag('baseline-updated'), env: io.env, baseRef: o.get('base-ref') });
  const cmp = compareReports(base, head, { baseSource: basePath, headSource: headPath, baselineUpdated: update.updated, baselineReason: update.reason });
  emit(cmd, o, io, head, cmp);
  return exitCodeOf(cmp);
}
