// Runs one shard of one case inside one WASM instance: generate a chunk of flows in place, decide
// it (the timed call), fold it into the exact counters, then replay its established packets
// through conntrack (timed separately). Nothing per flow crosses the JS/WASM boundary.

import { endpointOffsets, type Cluster } from '../model/cluster.js';
import { createBatchEngine } from '../engines/batch-factory.js';
import { WasmWorkload } from '../wasm/workload.js';
import { FLOW_STRIDE, RESULT_STRIDE } from '../wasm/layout.js';
import { clusterFor, workloadOptions } from './cluster-for.js';
import type { ExactCounters, RoundTime, ShardResult, ShardTask } from './spec.js';
import { digestHex } from './digest.js';

/** Flows generated and decided per WASM call. */
export const CHUNK = 4096;
/** Every ESTABLISHED_SAMPLE-th chunk replays its established packets: the path's cost per packet
 * is the same in every chunk, and replaying all of them would double a run's time for no news. */
const ESTABLISHED_SAMPLE = 8;
/** Conntrack entries (16 bytes each); cleared when half full, so lookups see a realistic load. */
const CONNTRACK_CAPACITY = 1 << 18;
/** Work histogram bins: exact up to this value, the last bin counts larger values. */
const HIST_BINS_ITERATE = 1 << 20;
const HIST_BINS_OTHER = 1 << 17;
/** Stats block words, in the order of wasm/assembly/stats/layout.ts. */
const STAT = { NOMATCH: 0, DNAT: 1, REJECT: 2, OK: 3, FAILED: 4, WORK_SUM: 5, WORK_MAX: 6, EXTRA_SUM: 7, DIGEST: 8, FLOWS: 9, PACKETS: 10, WORDS: 11 } as const;

function servingFlags(cluster: Cluster): Uint8Array {
  const flags = new Uint8Array(endpointOffsets(cluster)[cluster.services.length]!);
  let k = 0;
  for (const s of cluster.services) for (const e of s.endpoints) flags[k++] = e.serving ? 1 : 0;
  return flags;
}

/** Runs `task` to completion in this thread. `module` is the compiled core, when the caller has it. */
export function runShard(task: ShardTask, module?: WebAssembly.Module): ShardResult {
  const wall0 = performance.now();
  const w = task.workload;
  const c = task.case;
  const cluster = clusterFor(w, c.services);
  const engine = createBatchEngine(c.mode, cluster, {
    build: task.build, seed: w.seed, scheduler: c.scheduler ?? 'rr', tcpFinTimeout: w.tcpFinTimeout, udpTimeout: w.udpTimeout,
    ...(module !== undefined ? { module } : {}),
    ...(task.iptablesImage !== undefined ? { iptablesImage: new Uint8Array(task.iptablesImage) } : {}),
  });
  const x = engine.exports;
  const workload = new WasmWorkload(x, cluster, workloadOptions(w));
  const serving = servingFlags(cluster);
  const endpoints = serving.length;
  const bins = c.mode === 'iptables' ? HIST_BINS_ITERATE : HIST_BINS_OTHER;
  const flowsPtr = x.alloc(CHUNK * FLOW_STRIDE);
  const resultsPtr = x.alloc(CHUNK * RESULT_STRIDE);
  const statsPtr = x.alloc(STAT.WORDS * 8);
  const servingPtr = x.alloc(Math.max(1, endpoints));
  const countsPtr = x.alloc(Math.max(1, endpoints) * 4);
  const histPtr = x.alloc(bins * 4);
  const ctPtr = x.alloc(CONNTRACK_CAPACITY * 16);
  new Uint8Array(x.memory.buffer, servingPtr, endpoints).set(serving);
  x.statsConfigure(statsPtr, servingPtr, endpoints, countsPtr, histPtr, bins);
  x.conntrackConfigure(ctPtr, CONNTRACK_CAPACITY);

  const rounds: RoundTime[] = [];
  let ctFill = 0;
  let estPackets = 0;
  let estNs = 0;
  let lost = task.fault === 'lose-flow';
  let generated = 0;
  let chunk = 0;
  for (let r = 0; r < task.rounds; r++) {
    const first = Math.floor((w.flows * r) / task.rounds);
    const end = Math.floor((w.flows * (r + 1)) / task.rounds);
    let ns = 0;
    let timed = 0;
    for (let i = first; i < end; i += CHUNK) {
      let n = workload.generate(i, Math.min(CHUNK, end - i), task.shard, task.shards, flowsPtr);
      if (n === 0) continue;
      generated += n;
      const t0 = process.hrtime.bigint();
      engine.decideRecords(flowsPtr, n, resultsPtr);
      const took = Number(process.hrtime.bigint() - t0);
      if (chunk > 0) {
        // The shard's first chunk runs untimed: it pays for V8 tiering up the engine's code.
        ns += took;
        timed += n;
      }
      if (lost) {
        n -= 1; // test-only: drop one decided flow from the counters
        lost = false;
      }
      x.statsAccumulate(flowsPtr, resultsPtr, n);
      if (chunk++ % ESTABLISHED_SAMPLE !== 0) continue;
      if (ctFill + n > CONNTRACK_CAPACITY / 2) {
        x.conntrackClear();
        ctFill = 0;
      }
      x.conntrackInsertBatch(flowsPtr, n);
      ctFill += n;
      const t1 = process.hrtime.bigint();
      estPackets += x.conntrackLookupBatch(flowsPtr, n);
      estNs += Number(process.hrtime.bigint() - t1);
    }
    rounds.push({ flows: timed, ns });
  }

  const stats = new BigUint64Array(x.memory.buffer, statsPtr, STAT.WORDS);
  const num = (k: number): number => Number(stats[k]!);
  const counters: ExactCounters = {
    flows: num(STAT.FLOWS), packets: num(STAT.PACKETS), dnat: num(STAT.DNAT), nomatch: num(STAT.NOMATCH), reject: num(STAT.REJECT),
    ok: num(STAT.OK), failed: num(STAT.FAILED), workSum: num(STAT.WORK_SUM), workMax: num(STAT.WORK_MAX), extraSum: num(STAT.EXTRA_SUM),
    digest: digestHex(stats[STAT.DIGEST]!),
  };
  const counts = new Uint32Array(x.memory.buffer, countsPtr, endpoints);
  const endpointCounts: Array<[number, number]> = [];
  for (let e = 0; e < endpoints; e++) if (counts[e]! > 0) endpointCounts.push([e, counts[e]!]);
  const hist = new Uint32Array(x.memory.buffer, histPtr, bins);
  const workHistogram: Array<[number, number]> = [];
  for (let b = 0; b < bins; b++) if (hist[b]! > 0) workHistogram.push([b, hist[b]!]);
  return {
    caseId: c.id, shard: task.shard, shards: task.shards, generated, counters, endpointCounts, workHistogram, rounds,
    established: { packets: estPackets, ns: estNs, probes: Number(x.conntrackProbes()) },
    wallMs: performance.now() - wall0,
  };
}
