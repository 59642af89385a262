// `kpbench run --save-baseline FILE` and `run --baseline FILE`: save a run as the committed
// baseline, or compare the run with it (exit codes as `compare`). A timed regression is re-measured
// before it fails the run: only the flagged case, with twice the rounds (BENCHMARKING 7.3).

import { writeFileAtomic } from '../io/atomic-write.js';
import { reportCases } from '../report/json-report.js';
import { runBenchmark } from '../run/run.js';
import type { Mode } from '../engines/factory.js';
import type { SchedulerName } from '../model/cluster.js';
import { normaliseCase, type CalibratedCase, type CalibratedReport } from '../compare/calibrated-report.js';
import { assertComparable, assertSameWorkload } from '../compare/compatibility.js';
import { compareReports, exitCodeOf, regressions, withRerun } from '../compare/compare.js';
import { baselineUpdated } from '../compare/baseline-updated.js';
import { usage, type Options } from './args.js';
import { emit, formatOption, OUTPUT_HELP, type CommandIo } from './compare-output.js';
import { readReportFile } from './compare.js';
import type { RunConfig } from './run.js';

/** Valued options this module adds to `run`. */
export const BASELINE_VALUED = ['baseline', 'save-baseline', 'base-ref', 'format', 'output'] as const;
/** Flags this module adds to `run`. */
export const BASELINE_FLAGS = ['baseline-updated'] as const;

/** Help lines of the options. */
export const BASELINE_HELP = `  --baseline FILE (compare with it; exit codes as compare)  --save-baseline FILE
  --baseline-updated  --base-ref REF   (tier A changes accepted: see kpbench compare)
${OUTPUT_HELP}`;

/** Re-measures one case of the run; null when it cannot. */
export type Rerun = (c: CalibratedCase, rounds: number) => Promise<CalibratedCase | null>;

/**
 * Reads `--baseline` before the run, so a missing, corrupt or mismatched baseline costs no time.
 * @throws {KpbenchError} exit 2 with a one-line reason
 */
export function loadBaseline(cmd: string, o: Options, cfg: RunConfig): CalibratedReport | null {
  const format = formatOption(cmd, o);
  const path = o.get('baseline');
  if (format !== undefined && o.get('output') === undefined) throw usage(cmd, `--format ${format} needs --output FILE (stdout carries the tables)`);
  if (path === undefined) {
    if (o.get('output') !== undefined && (format === undefined || format === 'md' || format === 'json')) {
      throw usage(cmd, `--format ${format ?? 'md'} describes a comparison: add --baseline FILE, or use --format gab, gab-bigger or bmf`);
    }
    return null;
  }
  if (cfg.partial !== undefined) throw usage(cmd, '--baseline needs a whole run, not --shard i/n; merge the shards and use kpbench compare');
  const base = readReportFile(cmd, '--baseline', path);
  assertSameWorkload(base.workload, { ...cfg.workload, services: cfg.services }, path, 'this run');
  return base;
}

/** Re-runs one case alone with the run's configuration and `rounds` rounds, calibrated. */
export function rerunWith(cfg: RunConfig): Rerun {
  return async (c, rounds) => {
    const out = await runBenchmark({
      workload: cfg.workload, services: [c.services], modes: [c.mode as Mode],
      schedulers: c.scheduler === null ? cfg.schedulers : [c.scheduler as SchedulerName],
      workers: cfg.workers, shards: cfg.shards, rounds, build: cfg.build, taskTimeoutMs: cfg.taskTimeoutMs, calibrate: true,
    });
    const again = reportCases(out.cases).find((x) => x.id === c.id);
    if (again === undefined) return null;
    return out.calibration === null ? again : normaliseCase(again, out.calibration);
  };
}

/**
 * After a run: saves the baseline, compares with `base`, confirms timed regressions and emits the
 * summary and formats. Returns the exit code (0 without a baseline).
 */
export async function afterRun(
  cmd: string, o: Options, io: CommandIo, report: CalibratedReport, base: CalibratedReport | null, rounds: number, rerun: Rerun,
): Promise<number> {
  const save = o.get('save-baseline');
  if (save !== undefined) {
    writeFileAtomic(save, JSON.stringify(report, null, 1) + '\n');
    io.out(`baseline saved: ${save}\n`);
  }
  const basePath = o.get('baseline');
  if (base === null || basePath === undefined) {
    emit(cmd, o, io, report, null);
    return 0;
  }
  assertComparable(base, report, basePath, 'this run');
  const update = baselineUpdated(basePath, { flag: o.flag('baseline-updated'), env: io.env, baseRef: o.get('base-ref') });
  let cmp = compareReports(base, report, { baseSource: basePath, headSource: 'this run', baselineUpdated: update.updated, baselineReason: update.reason });
  for (const flagged of regressions(cmp)) {
    const c = report.cases.find((x) => x.id === flagged.id)!;
    io.out(`${cmd}: ${c.id} looks slower (ratio ${flagged.timed!.ratio.toFixed(3)}); re-running it with ${2 * rounds} rounds to confirm\n`);
    const again = await rerun(c, 2 * rounds);
    if (again !== null) cmp = withRerun(cmp, base, again);
  }
  emit(cmd, o, io, report, cmp);
  return exitCodeOf(cmp);
}
