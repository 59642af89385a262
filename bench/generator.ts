// Micro-benchmark: cost of the WASM workload generator per flow (issue 4 goal: ≤ 5 ns), beside the
// TypeScript reference generator, uniform and zipf popularity, one shard and a 1/3 shard filter,
// SIMD build (twelve flows per step) and the scalar build.

import { Bench } from 'tinybench';
import { instantiate } from '../src/wasm/loader.js';
import { WasmWorkload } from '../src/wasm/workload.js';
import { syntheticCluster } from '../src/gen/cluster.js';
import { syntheticFlows, type WorkloadOptions } from '../src/gen/flows.js';
import { FLOW_STRIDE } from '../src/wasm/layout.js';
import { captureEnv, envLine } from '../src/report/env.js';

const BATCH = 4096; // the runner's chunk: stays in L2 as it does there
const cluster = syntheticCluster({ services: 10000, seed: 1 });

function wasmTask(o: WorkloadOptions, shards: number, build: 'scalar' | 'simd' = 'simd'): () => void {
  const x = instantiate(build);
  const gen = new WasmWorkload(x, cluster, o);
  const out = x.alloc(BATCH * FLOW_STRIDE);
  let first = 0;
  return () => {
    gen.generate(first, BATCH, 0, shards, out);
    first += BATCH;
  };
}

console.log(`kpbench generator micro-benchmark — ${envLine(captureEnv(true))}`);
const bench = new Bench({ name: 'workload generator', time: 1500, warmupTime: 300 });
bench.add('wasm uniform', wasmTask({ seed: 1 }, 1));
bench.add('wasm zipf:1.1', wasmTask({ seed: 1, popularity: { kind: 'zipf', s: 1.1 } }, 1));
bench.add('wasm uniform, shard 1/3', wasmTask({ seed: 1 }, 3));
bench.add('wasm scalar build uniform', wasmTask({ seed: 1 }, 1, 'scalar'));
let tsFirst = 0;
bench.add('typescript reference uniform', () => {
  syntheticFlows(cluster, tsFirst, BATCH / 16, { seed: 1 });
  tsFirst += BATCH / 16;
});
await bench.run();
const rows = bench.tasks.map((t) => {
  const r = t.result;
  if (r.state !== 'completed') return { task: t.name, 'ns/flow (median)': 'error' };
  const perBatch = t.name.startsWith('typescript') ? BATCH / 16 : BATCH;
  return { task: t.name, 'ns/flow (median)': ((r.latency.p50 * 1e6) / perBatch).toFixed(2), samples: r.latency.samplesCount };
});
console.table(rows);
