// Where a comparison goes: the terminal summary (or one chosen format) on stdout, the Markdown
// summary appended to $GITHUB_STEP_SUMMARY when set, and `--output FILE` written atomically.

import { appendFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CalibratedReport } from '../compare/calibrated-report.js';
import type { Comparison } from '../compare/compare.js';
import { markdownSummary } from '../compare/markdown.js';
import { terminalSummary } from '../compare/terminal.js';
import { gabBigger, gabSmaller } from '../compare/gab.js';
import { bmf } from '../compare/bmf.js';
import type { Options } from './args.js';

/** Output formats of `compare` and `run --format`. */
export const FORMATS = ['md', 'gab', 'gab-bigger', 'bmf', 'json'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** Help lines for the output options. */
export const OUTPUT_HELP = `  --format md|gab|gab-bigger|bmf|json  --output FILE   (md: the summary; gab: github-action-benchmark
    customSmallerIsBetter ns/flow and work; gab-bigger: customBiggerIsBetter Mflows/s; bmf: Bencher;
    json: the comparison)  $GITHUB_STEP_SUMMARY, when set, gets the Markdown summary appended`;

/** What a command writes to and reads its environment from (tests pass their own). */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** The process's stdout and environment. */
export const processIo: CommandIo = { out: (t) => process.stdout.write(t), env: process.env };

/** The `--format` option, checked (call it before any work so a typo fails fast). */
export function formatOption(cmd: string, o: Options): Format | undefined {
  return o.get('format') === undefined ? undefined : o.choice(cmd, 'format', FORMATS, 'md');
}

/** A report (and its comparison, when there is one) in one format. */
export function formatText(format: Format, head: CalibratedReport, cmp: Comparison | null): string {
  switch (format) {
    case 'md': return cmp === null ? '' : markdownSummary(cmp);
    case 'gab': return JSON.stringify(gabSmaller(head), null, 1) + '\n';
    case 'gab-bigger': return JSON.stringify(gabBigger(head), null, 1) + '\n';
    case 'bmf': return JSON.stringify(bmf(head), null, 1) + '\n';
    case 'json': return JSON.stringify(cmp, null, 1) + '\n';
  }
}

/**
 * Emits a comparison (or, with `cmp` null, only the formats of a report): `--format` without
 * `--output` replaces the terminal summary on stdout; with `--output` the file gets it instead.
 */
export function emit(cmd: string, o: Options, io: CommandIo, head: CalibratedReport, cmp: Comparison | null): void {
  const format = formatOption(cmd, o);
  const output = o.get('output');
  if (format !== undefined && output === undefined) io.out(formatText(format, head, cmp));
  else if (cmp !== null) io.out(terminalSummary(cmp));
  if (output !== undefined) {
    writeFileAtomic(output, formatText(format ?? 'md', head, cmp));
    io.out(`${cmd}: wrote ${output}\n`);
  }
  const summary = io.env['GITHUB_STEP_SUMMARY'];
  if (cmp !== null && summary !== undefined && summary !== '') appendFileSync(summary, markdownSummary(cmp) + '\n');
}
