// `kpbench merge SHARD.json…`: joins the partial reports of `run --shard i/n` (run anywhere: a
// Kubernetes Indexed Job, a CI matrix) into one report, checking that every shard is there once.

import { KpbenchError } from '../errors.js';
import { parseReport } from '../report/read-report.js';
import { reportCases, reportCrossovers, SCHEMA_VERSION, type Report } from '../report/json-report.js';
import { terminalTables } from '../report/tables.js';
import { captureEnv } from '../report/env.js';
import { planCases } from '../run/cases.js';
import { caseResult } from '../run/case-result.js';
import { mergeShards } from '../run/merge.js';
import type { ShardResult } from '../run/spec.js';
import type { Mode } from '../engines/factory.js';
import type { SchedulerName } from '../model/cluster.js';
import { Options, usage } from './args.js';
import { readInput } from './cluster-source.js';
import { writeReportFiles } from './run.js';

/** Help text of `kpbench merge`. */
export const MERGE_HELP = 'kpbench merge SHARD.json... [--json FILE] [--markdown FILE] [--svg FILE] [--out-dir DIR]';

/** Merges partial reports into a full one. @throws {KpbenchError} on mismatched or incomplete shards */
export function mergeReports(reports: ReadonlyArray<{ source: string; report: Report }>): Report {
  const first = reports[0]!;
  const workload = JSON.stringify({ ...first.report.workload, workers: 0 });
  const byCase = new Map<string, ShardResult[]>();
  for (const { source, report } of reports) {
    if (JSON.stringify({ ...report.workload, workers: 0 }) !== workload) {
      throw new KpbenchError('KPB_ERR_INPUT', `${source}: its workload differs from ${first.source}'s (seed, flows, N or another parameter); merge only shards of one run`);
    }
    if (report.shards === undefined) throw new KpbenchError('KPB_ERR_INPUT', `${source}: not a shard report (run it with --shard i/n)`);
    for (const s of report.shards) byCase.set(s.caseId, [...(byCase.get(s.caseId) ?? []), s]);
  }
  const w = first.report.workload;
  const planned = planCases(w.services, w.modes as Mode[], w.schedulers as SchedulerName[]);
  const results = planned.map((spec) => {
    const parts = byCase.get(spec.id);
    if (parts === undefined) throw new KpbenchError('KPB_ERR_INPUT', `case ${spec.id}: no shard results in the files given`);
    try {
      return caseResult(spec, w, mergeShards(parts, w.flows));
    } catch (e) {
      throw new KpbenchError('KPB_ERR_INPUT', (e as Error).message);
    }
  });
  const cases = reportCases(results);
  const simd = reports.every((r) => r.report.env.simd);
  return {
    schemaVersion: SCHEMA_VERSION, tool: 'kpbench', env: { ...captureEnv(simd), commit: first.report.env.commit },
    workload: w, complete: true,
    run: { wallMs: Math.max(...reports.map((r) => r.report.run.wallMs)), cpuMs: reports.reduce((a, r) => a + r.report.run.cpuMs, 0) },
    cases, crossovers: reportCrossovers(cases),
  };
}

/** Runs `merge`; returns the process exit code. */
export function mergeCommand(argv: readonly string[]): number {
  const cmd = 'merge';
  const o = new Options(cmd, argv, ['json', 'markdown', 'svg', 'out-dir']);
  if (o.positional.length === 0) throw usage(cmd, 'name the shard reports to merge: kpbench merge SHARD.json...');
  const reports = o.positional.map((source) => ({ source, report: parseReport(readInput(cmd, 'file', source), source) }));
  const merged = mergeReports(reports);
  process.stdout.write(terminalTables(merged));
  process.stdout.write(`results: ${writeReportFiles(merged, o).join(', ')}\n`);
  return 0;
}
