// Reads a JSON report (a result, a shard or a baseline file) as untrusted input: every field the
// tools rely on is checked, and a bad file is one InputError naming the place and the fix.

import { InputError, KpbenchError, type InputProblem } from '../errors.js';
import { SCHEMA_VERSION, type Report } from './json-report.js';

/** Largest report accepted, in characters. */
export const MAX_REPORT_CHARS = 256 * 1024 * 1024;

type Checker = (v: unknown, place: string, problems: InputProblem[]) => void;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function num(min = -Infinity): Checker {
  return (v, place, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) p.push({ place, message: `expected a number${min > -Infinity ? ` ≥ ${min}` : ''}` });
  };
}
const str: Checker = (v, place, p) => {
  if (typeof v !== 'string') p.push({ place, message: 'expected a string' });
};
const hex16: Checker = (v, place, p) => {
  if (typeof v !== 'string' || !/^[0-9a-f]{16}$/.test(v)) p.push({ place, message: 'expected 16 hex digits' });
};
function obj(fields: Record<string, Checker>): Checker {
  return (v, place, p) => {
    if (!isObj(v)) {
      p.push({ place, message: 'expected an object' });
      return;
    }
    for (const [k, check] of Object.entries(fields)) {
      if (!Object.hasOwn(v, k)) p.push({ place: `${place}.${k}`, message: 'missing' });
      else check(v[k], `${place}.${k}`, p);
    }
  };
}
function arr(item: Checker, max = 10_000_000): Checker {
  return (v, place, p) => {
    if (!Array.isArray(v)) p.push({ place, message: 'expected an array' });
    else if (v.length > max) p.push({ place, message: `more than ${max} items` });
    else for (let i = 0; i < v.length && p.length < 20; i++) item(v[i], `${place}[${i}]`, p);
  };
}
const pair: Checker = (v, place, p) => {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) p.push({ place, message: 'expected a pair of non-negative integers' });
};
const nullableNum: Checker = (v, place, p) => {
  if (v !== null) num()(v, place, p);
};

const COUNTERS = obj({
  flows: num(0), packets: num(0), dnat: num(0), nomatch: num(0), reject: num(0), ok: num(0), failed: num(0),
  workSum: num(0), workMax: num(0), extraSum: num(0), digest: hex16,
});

const SHARD = obj({
  caseId: str, shard: num(0), shards: num(1), generated: num(0), counters: COUNTERS, endpointCounts: arr(pair), workHistogram: arr(pair),
  rounds: arr(obj({ flows: num(0), ns: num(0) })), established: obj({ packets: num(0), ns: num(0), probes: num(0) }), wallMs: num(0),
});

const CASE = obj({
  id: str, mode: str, services: num(1), endpoints: num(0), flows: num(0),
  verdicts: obj({ dnat: num(0), nomatch: num(0), reject: num(0) }), outcomes: obj({ ok: num(0), failed: num(0) }), digest: hex16,
  work: obj({ mean: num(0), p50: num(0), p99: num(0), max: num(0) }), retries: num(0), hashProbesPerLookup: nullableNum,
  balance: obj({ maxOverMean: num(), cv: num(), jain: num(), chi2p: num() }),
  nsPerFlow: obj({ median: num(0), min: num(0), max: num(0), rounds: arr(num(0)) }),
  mflowsPerSec: num(), nsPerRule: nullableNum, established: obj({ nsPerPacket: num(0) }),
});

const int = (min: number, max: number): Checker => (v, place, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) p.push({ place, message: `expected an integer ${min}…${max}` });
};
const bool: Checker = (v, place, p) => {
  if (typeof v !== 'boolean') p.push({ place, message: 'expected true or false' });
};
const RANGE = obj({ lo: int(0, 65535), hi: int(0, 65535) });
const POPULARITY: Checker = (v, place, p) => {
  if (isObj(v) && v['kind'] === 'uniform') return;
  if (isObj(v) && v['kind'] === 'zipf' && typeof v['s'] === 'number' && v['s'] > 0 && v['s'] <= 10) return;
  p.push({ place, message: 'expected {"kind":"uniform"} or {"kind":"zipf","s":S}' });
};
const oneOf = (allowed: readonly string[]): Checker => (v, place, p) => {
  if (typeof v !== 'string' || !allowed.includes(v)) p.push({ place, message: `expected one of ${allowed.join(', ')}` });
};

const WORKLOAD = obj({
  seed: int(0, 0xffffffff), endpoints: RANGE, weights: RANGE, flows: int(1, 4_000_000_000), popularity: POPULARITY,
  miss: num(0), clients: int(1, 1 << 20), rate: num(0), duration: num(0), packets: num(1), tcp: num(0), dead: num(0),
  tcpFinTimeout: num(0), udpTimeout: num(0), services: arr(int(1, 1_000_000), 1000), modes: arr(oneOf(['iptables', 'ipvs', 'nftables', 'userspace']), 4),
  schedulers: arr(oneOf(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'dh', 'sh', 'mh']), 9), rounds: int(1, 1000),
});

function problemsOf(check: Checker, v: unknown, place: string): InputProblem[] {
  const p: InputProblem[] = [];
  check(v, place, p);
  return p;
}

/** Problems of a report workload (`RunWorkload` plus services, modes, schedulers, rounds); `place` is its path. */
export function workloadProblems(v: unknown, place: string): InputProblem[] {
  return problemsOf(WORKLOAD, v, place);
}

/** Problems of one `ShardResult` (types, non-negative counts, 16-hex digest); `place` is its path. */
export function shardResultProblems(v: unknown, place: string): InputProblem[] {
  return problemsOf(SHARD, v, place);
}

const ENV = obj({ node: str, v8: str, cpu: str, cores: num(0), memBytes: num(0), loadAvg: arr(num(0), 3), simd: bool, commit: str, date: str });

/** Problems of a report `env` (the checks parseReport applies to `$.env`); `place` is its path. */
export function envProblems(v: unknown, place: string): InputProblem[] {
  return problemsOf(ENV, v, place);
}

const RUN = obj({ wallMs: num(0), cpuMs: num(0) });

/**
 * Parses and checks a report file's text.
 * @throws {InputError} (exit 2) naming the first problems and their JSON paths
 */
export function parseReport(text: string, source: string): Report {
  if (text.length > MAX_REPORT_CHARS) throw new KpbenchError('KPB_ERR_LIMIT', `${source}: ${text.length} characters exceed the report limit of ${MAX_REPORT_CHARS}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(source, [{ place: '$', message: `not valid JSON (${(e as Error).message}); is this a kpbench report?` }]);
  }
  const p: InputProblem[] = [];
  if (!isObj(doc) || doc['tool'] !== 'kpbench') throw new InputError(source, [{ place: '$.tool', message: 'not a kpbench report (expected "tool": "kpbench")' }]);
  if (doc['schemaVersion'] !== SCHEMA_VERSION) {
    throw new InputError(source, [{ place: '$.schemaVersion', message: `version ${JSON.stringify(doc['schemaVersion'])} is not ${SCHEMA_VERSION}; re-create the file with this kpbench` }]);
  }
  WORKLOAD(doc['workload'], '$.workload', p);
  ENV(doc['env'], '$.env', p);
  RUN(doc['run'], '$.run', p);
  bool(doc['complete'], '$.complete', p);
  arr(CASE, 100_000)(doc['cases'], '$.cases', p);
  if (doc['shards'] !== undefined) arr(SHARD, 1_000_000)(doc['shards'], '$.shards', p);
  if (p.length > 0) throw new InputError(source, p);
  return doc as unknown as Report;
}
