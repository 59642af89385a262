// IPVS micro-benchmark: ns per new flow for every scheduler at N = 100 … 100,000 services (E = 3
// and E = 32) in the steady state of the default workload (20,000 flows/s, mean duration 1 s,
// tcpFinTimeout 120 s → ~2.4 million live connections), one worker; the established-packet path;
// and where rr's time goes (timing variants that drop the scheduler and/or the connection table).
//
// Run: npx tsc -p tsconfig.build.json && node dist/bench/ipvs-micro.js [--quick] [--schedulers rr,sh]
// Each case: a fresh engine, warmed up over 150 s of simulated time by replaying a 2^20-flow trace
// (start times shifted by the trace's span on each pass), then tinybench over batches of 65,536
// flows (one JS→WASM call each; copying the batch into WASM memory happens in beforeEach, untimed).

import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { MAX_SYNTHETIC_ENDPOINTS, syntheticCluster } from '../src/gen/cluster.js';
import { syntheticFlows } from '../src/gen/flows.js';
import { IpvsBenchMode, IpvsWasmEngine, packFlows } from '../src/engines/ipvs-wasm.js';
import { SCHEDULER_NAMES, type Cluster, type SchedulerName } from '../src/model/cluster.js';
import { defaultBuild } from '../src/wasm/loader.js';
import { FLOW_STRIDE } from '../src/wasm/layout.js';

const BATCH = 65_536;
const TRACE = 1 << 20;
const RATE = 20_000;
const WARM_SECONDS = 150;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const schedArg = args[args.indexOf('--schedulers') + 1];
const schedulers: readonly SchedulerName[] = args.includes('--schedulers') && schedArg !== undefined
  ? (schedArg.split(',') as SchedulerName[]) : SCHEDULER_NAMES;
const SIZES = quick ? [100, 10_000] : [100, 1_000, 10_000, 100_000];
const ENDPOINTS = quick ? [3] : [3, 32];
const build = defaultBuild();

/** A packed trace of the default workload: TRACE flows, `span` seconds of simulated time. */
interface Trace {
  readonly bytes: Uint8Array;
  readonly span: number;
}

function makeTrace(cluster: Cluster): Trace {
  const bytes = new Uint8Array(TRACE * FLOW_STRIDE);
  const view = new DataView(bytes.buffer);
  const chunk = 65_536;
  for (let first = 0; first < TRACE; first += chunk) {
    packFlows(view, first * FLOW_STRIDE, syntheticFlows(cluster, first, chunk, { seed: 1, rate: RATE, duration: 1 }));
  }
  return { bytes, span: TRACE / RATE };
}

/** Replays the trace into an engine batch by batch, shifting start times by `span` per pass. */
class Replayer {
  #pos = 0;
  #pass = 0;
  constructor(readonly engine: IpvsWasmEngine, readonly trace: Trace) {}
  /** Loads the next batch into the engine's flow buffer. */
  load(): void {
    const at = this.#pos * FLOW_STRIDE;
    this.engine.writeFlowBytes(this.trace.bytes.subarray(at, at + BATCH * FLOW_STRIDE));
    if (this.#pass > 0) this.engine.shiftWrittenStarts(BATCH, this.#pass * this.trace.span);
    this.#pos += BATCH;
    if (this.#pos >= TRACE) {
      this.#pos = 0;
      this.#pass++;
    }
  }
  /** Simulated seconds replayed so far. */
  get seconds(): number {
    return (this.#pass * TRACE + this.#pos) / RATE;
  }
}

interface Row {
  readonly name: string;
  readonly ns: number;
  readonly min: number;
  readonly max: number;
  readonly live: number;
}
const rows: Row[] = [];

function engineFor(cluster: Cluster, scheduler: SchedulerName): IpvsWasmEngine {
  return new IpvsWasmEngine(cluster, { build, scheduler, batchSize: BATCH, connectionCapacity: 1 << 22 });
}

function warm(r: Replayer): void {
  while (r.seconds < WARM_SECONDS) {
    r.load();
    r.engine.decideWritten(BATCH);
  }
}

function measure(name: string, r: Replayer, run: () => void, perItem = BATCH): Row {
  const bench = new Bench({ name, time: 400, warmupTime: 100, iterations: 8, warmupIterations: 2 });
  bench.add(name, run, { beforeEach: () => r.load() });
  bench.runSync();
  const res = bench.tasks[0]!.result;
  if (res.state !== 'completed') throw new Error(`${name}: ${res.state}`);
  const row = {
    name,
    ns: (res.latency.p50 * 1e6) / perItem,
    min: (res.latency.min * 1e6) / perItem,
    max: (res.latency.max * 1e6) / perItem,
    live: r.engine.counters().liveConnections,
  };
  rows.push(row);
  console.log(`${name.padEnd(44)} ${row.ns.toFixed(1).padStart(8)} ns/flow (min ${row.min.toFixed(1)}, max ${row.max.toFixed(1)})  live=${row.live}`);
  return row;
}

function env(): string {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a checkout */ }
  return `node ${process.version}, v8 ${process.versions.v8}, ${cpus()[0]?.model ?? 'cpu?'} × ${cpus().length}, build ${build}, commit ${commit}, ${new Date().toISOString()}`;
}

console.log(`# ipvs-micro — ${env()}`);
console.log(`# batch ${BATCH} flows, trace ${TRACE} flows (${TRACE / RATE} s), warm-up ${WARM_SECONDS} s simulated`);
const results = new Map<string, number>();
for (const E of ENDPOINTS) {
  for (const N of SIZES) {
    if (N * E > MAX_SYNTHETIC_ENDPOINTS) {
      console.log(`services=${N} dests=${E}: skipped (${N * E} endpoints exceed the synthetic generator's ${MAX_SYNTHETIC_ENDPOINTS})`);
      continue;
    }
    const cluster = syntheticCluster({ services: N, endpoints: { lo: E, hi: E }, seed: 1 });
    const trace = makeTrace(cluster);
    for (const s of schedulers) {
      if (s === 'mh' && N * 4093 * 4 > 512 * 2 ** 20) {
        console.log(`ipvs/mh services=${N} dests=${E}: skipped (mh tables need ${(N * 4093 * 4 / 2 ** 20).toFixed(0)} MiB)`);
        continue;
      }
      const engine = engineFor(cluster, s);
      const r = new Replayer(engine, trace);
      warm(r);
      const row = measure(`ipvs/${s} services=${N} dests=${E}`, r, () => engine.decideWritten(BATCH));
      results.set(`${s}/${N}/${E}`, row.ns);
      if (s === 'rr' && E === 3 && (N === 10_000 || N === 100_000 || N === 100)) {
        measure(`ipvs/established services=${N} dests=${E}`, r, () => engine.establishedWritten(BATCH));
        engine.setBenchMode(IpvsBenchMode.NO_SCHEDULER);
        measure(`ipvs/rr-no-scheduler services=${N} dests=${E}`, r, () => engine.decideWritten(BATCH));
        engine.setBenchMode(IpvsBenchMode.NO_CONNECTIONS);
        measure(`ipvs/rr-no-conntable services=${N} dests=${E}`, r, () => engine.decideWritten(BATCH));
        engine.setBenchMode(IpvsBenchMode.LOOKUP_ONLY);
        measure(`ipvs/lookup-only services=${N} dests=${E}`, r, () => engine.decideWritten(BATCH));
      }
    }
  }
}

console.log('\n# ns per new flow (median), by scheduler × services');
for (const E of ENDPOINTS) {
  console.log(`\nE = ${E}\n${'sched'.padEnd(6)}${SIZES.map((n) => String(n).padStart(10)).join('')}`);
  for (const s of schedulers) {
    console.log(s.padEnd(6) + SIZES.map((n) => (results.get(`${s}/${n}/${E}`)?.toFixed(1) ?? '-').padStart(10)).join(''));
  }
}
const rr10k = results.get('rr/10000/3');
const rr100 = results.get('rr/100/3');
const rr100k = results.get('rr/100000/3');
if (rr10k !== undefined) console.log(`\ngoal: rr N=10,000 E=3 ${rr10k.toFixed(1)} ns/flow (target ≤ 100): ${rr10k <= 100 ? 'met' : 'NOT met'}`);
if (rr100 !== undefined && rr100k !== undefined) {
  const ratio = rr100k / rr100;
  console.log(`goal: rr N=100,000 / N=100 = ${ratio.toFixed(2)} (target ≤ 1.5): ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
}
