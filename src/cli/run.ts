// `kpbench run` (and `npm run bench`): every mode over millions of synthetic flows, in parallel,
// with tables, the crossover, and JSON / Markdown / SVG reports.

import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { SCHEDULER_NAMES, type SchedulerName } from '../model/cluster.js';
import { MODES, type Mode } from '../engines/factory.js';
import { defaultBuild, type WasmBuild } from '../wasm/loader.js';
import { MAX_CLIENTS, type Popularity } from '../gen/flows.js';
import { runBenchmark, type InjectedFault, type RunOutcome } from '../run/run.js';
import { SHARD_FAULTS } from '../run/faults.js';
import type { RunWorkload, ShardFault } from '../run/spec.js';
import { captureEnv, envLine } from '../report/env.js';
import { reportCases, reportCrossovers, SCHEMA_VERSION, type Report } from '../report/json-report.js';
import { markdownTables, terminalTables } from '../report/tables.js';
import { svgChart } from '../report/svg-chart.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { encodeShardFile } from '../format/shard-codec.js';
import { KpbenchError } from '../errors.js';
import { Options, usage } from './args.js';
import { parseRange } from './cluster-source.js';
import { progressFor } from './progress.js';
import { withCalibration, type CalibratedReport } from '../compare/calibrated-report.js';
import { afterRun, BASELINE_FLAGS, BASELINE_HELP, BASELINE_VALUED, loadBaseline, rerunWith } from './run-baseline.js';
import { processIo } from './compare-output.js';

/** Help text of `kpbench run`. */
export const RUN_HELP = `kpbench run [options]            (npm run bench = kpbench run with the defaults)
  --services 100,1000,10000  --endpoints 3|A..B  --weights 1|A..B  --flows 2000000
  --popularity uniform|zipf:S  --miss 0  --clients 10000  --rate 20000  --duration 1  --packets 10
  --tcp 1  --dead 0  --seed 1  --modes ${MODES.join(',')}  --schedulers ${SCHEDULER_NAMES.join(',')}
  --workers N  --shards N  --rounds 10  --quick  --engine simd|scalar  --shard i/n  --shard-file FILE.kpbs
  --json FILE  --markdown FILE  --svg FILE  --out-dir bench/results  --task-timeout SECONDS
  --ipvs-tcpfin-timeout 120  --ipvs-udp-timeout 300
${BASELINE_HELP}`;

const VALUED = [
  'services', 'endpoints', 'weights', 'flows', 'popularity', 'miss', 'clients', 'rate', 'duration', 'packets', 'tcp', 'dead',
  'seed', 'modes', 'schedulers', 'workers', 'shards', 'rounds', 'engine', 'shard', 'json', 'markdown', 'svg', 'out-dir',
  'shard-file', 'task-timeout', 'ipvs-tcpfin-timeout', 'ipvs-udp-timeout', 'inject-fault', ...BASELINE_VALUED,
];

/** Most flows per case: flow indexes are u32 and a chunk must fit past the last one. */
export const MAX_FLOWS = 4_000_000_000;
/** Most service ports per case. */
export const MAX_SERVICES = 1_000_000;

function list<T extends string>(cmd: string, name: string, text: string | undefined, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (text === undefined) return [...fallback];
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const s of items) if (!(allowed as readonly string[]).includes(s)) throw usage(cmd, `--${name}: unknown "${s}"; use ${allowed.join(', ')}`);
  if (items.length === 0) throw usage(cmd, `--${name} is empty; name at least one of ${allowed.join(', ')}`);
  return items as T[];
}

function popularity(cmd: string, text: string): Popularity {
  if (text === 'uniform') return { kind: 'uniform' };
  const m = /^zipf:([0-9.]+)$/.exec(text);
  const s = m ? Number(m[1]) : NaN;
  if (!(s > 0 && s <= 10)) throw usage(cmd, `--popularity ${text}: use uniform or zipf:S with 0 < S ≤ 10`);
  return { kind: 'zipf', s };
}

function fault(cmd: string, text: string | undefined): InjectedFault | undefined {
  if (text === undefined) return undefined;
  const m = /^([a-z-]+)@(.+)\/(\d+)$/.exec(text);
  if (m === null || !(SHARD_FAULTS as readonly string[]).includes(m[1]!)) throw usage(cmd, `--inject-fault ${text}: use KIND@CASE/SHARD with KIND one of ${SHARD_FAULTS.join(', ')} (tests only)`);
  const lastSlash = text.lastIndexOf('/');
  return { kind: m[1] as ShardFault, caseId: text.slice(text.indexOf('@') + 1, lastSlash), shard: Number(text.slice(lastSlash + 1)) };
}

/** The resolved configuration of a run command. */
export interface RunConfig {
  readonly workload: RunWorkload;
  readonly services: number[];
  readonly modes: Mode[];
  readonly schedulers: SchedulerName[];
  readonly workers: number;
  readonly shards: number;
  readonly rounds: number;
  readonly build: WasmBuild;
  readonly partial: { index: number; count: number } | undefined;
  readonly taskTimeoutMs: number;
  readonly fault: InjectedFault | undefined;
}

/** Reads `run`'s options. @throws {KpbenchError} exit 2 naming the option and the fix */
export function runConfig(cmd: string, o: Options): RunConfig {
  const quick = o.flag('quick');
  const services = (o.get('services') ?? (quick ? '100,10000' : '100,1000,10000')).split(',').map((s) => {
    const n = Number(s.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < 1 || n > MAX_SERVICES) throw usage(cmd, `--services ${s}: expected integers 1…${MAX_SERVICES}, comma-separated`);
    return n;
  });
  const workers = o.integer(cmd, 'workers', Math.max(1, availableParallelism()), 1, 64);
  const shardText = o.get('shard');
  let partial: RunConfig['partial'];
  if (shardText !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardText);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!(count >= 1 && count <= 1024 && index >= 0 && index < count)) throw usage(cmd, `--shard ${shardText}: use i/n with 0 ≤ i < n ≤ 1024`);
    partial = { index, count };
  }
  const workload: RunWorkload = {
    seed: o.integer(cmd, 'seed', 1, 0, 0xffffffff),
    endpoints: parseRange(cmd, 'endpoints', o.get('endpoints') ?? '3', 0, 4093),
    weights: parseRange(cmd, 'weights', o.get('weights') ?? '1', 0, 65535),
    flows: o.integer(cmd, 'flows', quick ? 500_000 : 2_000_000, 1, MAX_FLOWS),
    popularity: popularity(cmd, o.get('popularity') ?? 'uniform'),
    miss: o.number(cmd, 'miss', 0, 0, 1),
    clients: o.integer(cmd, 'clients', 10_000, 1, MAX_CLIENTS),
    rate: o.number(cmd, 'rate', 20_000, 1e-3, 1e9),
    duration: o.number(cmd, 'duration', 1, 0, 1e6),
    packets: o.number(cmd, 'packets', 10, 1, 1e6),
    tcp: o.number(cmd, 'tcp', 1, 0, 1),
    dead: o.number(cmd, 'dead', 0, 0, 1),
    tcpFinTimeout: o.number(cmd, 'ipvs-tcpfin-timeout', 120, 1, 1e7),
    udpTimeout: o.number(cmd, 'ipvs-udp-timeout', 300, 1, 1e7),
  };
  const modes = list(cmd, 'modes', o.get('modes'), MODES, MODES);
  const shards = partial?.count ?? o.integer(cmd, 'shards', workers, 1, 1024);
  return {
    workload, services, workers, modes, shards,
    schedulers: list(cmd, 'schedulers', o.get('schedulers'), SCHEDULER_NAMES, SCHEDULER_NAMES),
    rounds: o.integer(cmd, 'rounds', quick ? 5 : 10, 1, 1000),
    build: o.choice(cmd, 'engine', ['simd', 'scalar'] as const, defaultBuild()),
    partial,
    taskTimeoutMs: o.number(cmd, 'task-timeout', 600, 0.1, 86400) * 1000,
    fault: fault(cmd, o.get('inject-fault')),
  };
}

/** Builds the report of an outcome, with the run's calibration when it has one. */
export function buildReport(cfg: RunConfig, out: RunOutcome): CalibratedReport {
  const cases = reportCases(out.cases);
  return withCalibration({
    schemaVersion: SCHEMA_VERSION,
    tool: 'kpbench',
    env: captureEnv(cfg.build === 'simd'),
    workload: { ...cfg.workload, services: cfg.services, modes: cfg.modes, schedulers: cfg.schedulers, rounds: cfg.rounds, workers: cfg.workers },
    complete: out.complete,
    run: { wallMs: Math.round(out.wallMs), cpuMs: Math.round(out.cpuMs) },
    cases,
    crossovers: reportCrossovers(cases),
    ...(cfg.partial !== undefined ? { shards: out.shardResults } : {}),
  }, out.calibration ?? null);
}

/** Writes a report's files atomically; returns their paths. */
export function writeReportFiles(report: Report, o: Options): string[] {
  const dir = o.get('out-dir') ?? join('bench', 'results');
  const json = o.get('json') ?? join(dir, 'kpbench.json');
  const md = o.get('markdown') ?? join(dir, 'kpbench.md');
  const svg = o.get('svg') ?? join(dir, 'kpbench.svg');
  const title = `kpbench: ns per new flow vs N (${report.env.cpu}, ${report.env.cores} cores)`;
  const files: Array<[string, string]> = [
    [json, JSON.stringify(report, null, 1) + '\n'],
    [md, `# kpbench report\n\n${envLine(report.env)}\n\n${report.workload.flows.toLocaleString('en-US')} flows per case, seed ${report.workload.seed}.\n${markdownTables(report)}`],
    [svg, svgChart(report.cases, title)],
  ];
  for (const [path, text] of files) writeFileAtomic(path, text);
  return files.map(([p]) => p);
}

/** Runs `run`; returns the process exit code. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const cmd = 'run';
  const o = new Options(cmd, argv, VALUED, ['quick', ...BASELINE_FLAGS]);
  const cfg = runConfig(cmd, o);
  const shardFile = o.get('shard-file');
  if (shardFile !== undefined && cfg.partial === undefined) throw usage(cmd, '--shard-file needs --shard i/n: only a partial run has shard results to write');
  const baseline = loadBaseline(cmd, o, cfg);
  const stop = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nkpbench: interrupted; finishing the shards in flight and keeping the finished cases\n');
    stop.abort();
  };
  process.once('SIGINT', onSigint);
  process.stdout.write(`kpbench run — ${envLine(captureEnv(cfg.build === 'simd'))}\n`);
  process.stdout.write(`${cfg.workload.flows.toLocaleString('en-US')} flows per case · N = ${cfg.services.join(', ')} · ${cfg.workers} workers\n`);
  const progress = progressFor(process.stdout);
  let out: RunOutcome;
  try {
    out = await runBenchmark({
      workload: cfg.workload, services: cfg.services, modes: cfg.modes, schedulers: cfg.schedulers, workers: cfg.workers,
      shards: cfg.shards, rounds: cfg.rounds, build: cfg.build, taskTimeoutMs: cfg.taskTimeoutMs, stop: stop.signal, calibrate: true,
      ...(cfg.partial !== undefined ? { partial: cfg.partial } : {}),
      ...(cfg.fault !== undefined ? { fault: cfg.fault } : {}),
      onProgress: (done, total, c) => progress.update(done, total, c === null ? null : `${c.spec.id}: ${c.nsPerFlow.median.toFixed(1)} ns/flow`),
    });
  } finally {
    progress.finish();
    process.removeListener('SIGINT', onSigint);
  }
  const report = buildReport(cfg, out);
  if (cfg.partial === undefined) process.stdout.write(terminalTables(report));
  process.stdout.write(`\nwall ${(out.wallMs / 1000).toFixed(1)} s, CPU ${(out.cpuMs / 1000).toFixed(1)} s (${(out.cpuMs / out.wallMs).toFixed(2)} cores busy)\n`);
  const files = writeReportFiles(report, o);
  if (shardFile !== undefined) {
    writeFileAtomic(shardFile, encodeShardFile({ workload: report.workload, env: report.env, results: out.shardResults }));
    files.push(shardFile);
  }
  process.stdout.write(`results: ${files.join(', ')}\n`);
  if (!out.complete) {
    throw new KpbenchError('KPB_ERR_INTERNAL', `interrupted: ${out.cases.length} of ${out.planned.length} cases finished and were written`, 130);
  }
  return afterRun(cmd, o, processIo, report, baseline, cfg.rounds, rerunWith(cfg));
}
