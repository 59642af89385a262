// `kpbench merge SHARD.json…`: joins the partial reports of `run --shard i/n` (run anywhere: a
// Kubernetes Indexed Job, a CI matrix) into one report, checking that every shard is there once.

import { readFileSync } from 'node:fs';
import { KpbenchError } from '../errors.js';
import { decodeShardFile, SHARD_FILE_IDENTIFIER, type ShardFile } from '../format/shard-codec.js';
import { parseReport } from '../report/read-report.js';
import { reportCases, reportCrossovers, SCHEMA_VERSION, type Report } from '../report/json-report.js';
import { terminalTables } from '../report/tables.js';
import { planCases } from '../run/cases.js';
import { caseResult } from '../run/case-result.js';
import { mergeShards } from '../run/merge.js';
import type { ShardResult } from '../run/spec.js';
import type { Mode } from '../engines/factory.js';
import type { SchedulerName } from '../model/cluster.js';
import { Options, usage } from './args.js';
import { writeReportFiles } from './run.js';

/** Help text of `kpbench merge`. */
export const MERGE_HELP = 'kpbench merge SHARD.json|SHARD.kpbs... [--json FILE] [--markdown FILE] [--svg FILE] [--out-dir DIR]';

/**
 * Merges partial reports into a full one. Its env is the first shard's (the machine and build the run
 * used; SIMD only if every shard had it), never the merging machine's.
 * @throws {KpbenchError} on mismatched or incomplete shards
 */
export function mergeReports(reports: ReadonlyArray<{ source: string; report: Report }>): Report {
  const first = reports[0]!;
  const workload = JSON.stringify({ ...first.report.workload, workers: 0 });
  const byCase = new Map<string, ShardResult[]>();
  for (const { source, report } of reports) {
    if (JSON.stringify({ ...report.workload, workers: 0 }) !== workload) {
      throw new KpbenchError('KPB_ERR_INPUT', `${source}: its workload differs from ${first.source}'s (seed, flows, N or another parameter); merge only shards of one run`);
    }
    if (report.shards === undefined) throw new KpbenchError('KPB_ERR_INPUT', `${source}: not a shard report (run it with --shard i/n)`);
    for (const s of report.shards) {
      let parts = byCase.get(s.caseId);
      if (parts === undefined) byCase.set(s.caseId, (parts = []));
      parts.push(s);
    }
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
    schemaVersion: SCHEMA_VERSION, tool: 'kpbench', env: { ...first.report.env, simd },
    workload: w, complete: true,
    run: { wallMs: Math.max(...reports.map((r) => r.report.run.wallMs)), cpuMs: reports.reduce((a, r) => a + r.report.run.cpuMs, 0) },
    cases, crossovers: reportCrossovers(cases),
  };
}

/**
 * A partial report standing for a binary shard file, so that `mergeReports` takes both kinds. `env` is
 * the one the file recorded; the file holds no CPU time, so `run` is made from the shards' wall times.
 */
export function shardFileReport({ workload, env, results }: ShardFile): Report {
  const wall = results.map((r) => r.wallMs);
  return {
    schemaVersion: SCHEMA_VERSION, tool: 'kpbench', env, workload, complete: true,
    run: { wallMs: Math.round(Math.max(0, ...wall)), cpuMs: Math.round(wall.reduce((a, b) => a + b, 0)) },
    cases: [], crossovers: [], shards: results,
  };
}

/**
 * Reads one input of `merge`: a `.kpbs` shard file (by its identifier or extension) or a JSON report.
 * @throws {KpbenchError} exit 2 naming the file, the place and the fix
 */
export function readShardInput(cmd: string, source: string): { source: string; report: Report } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(source);
  } catch (e) {
    throw new KpbenchError('KPB_ERR_INPUT', `${cmd}: ${source}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}; give a readable file`);
  }
  const binary = source.endsWith('.kpbs') || (bytes.length >= 8 && bytes.subarray(4, 8).toString('latin1') === SHARD_FILE_IDENTIFIER);
  if (binary) {
    return { source, report: shardFileReport(decodeShardFile(bytes, source)) };
  }
  return { source, report: parseReport(bytes.toString('utf8'), source) };
}

/** Runs `merge`; returns the process exit code. */
export function mergeCommand(argv: readonly string[]): number {
  const cmd = 'merge';
  const o = new Options(cmd, argv, ['json', 'markdown', 'svg', 'out-dir']);
  if (o.positional.length === 0) throw usage(cmd, 'name the shard reports to merge: kpbench merge SHARD.json|SHARD.kpbs...');
  const reports = o.positional.map((source) => readShardInput(cmd, source));
  const merged = mergeReports(reports);
  process.stdout.write(terminalTables(merged));
  process.stdout.write(`results: ${writeReportFiles(merged, o).join(', ')}\n`);
  return 0;
}
