// Micro-benchmark of the iptables engines: the SIMD build, the scalar build and the TypeScript
// reference decide the same flows over kube-proxy rulesets of N service ports (E = 3, uniform
// targets, 5% misses). Prints ns per flow and per rule evaluated (tinybench p50) and the ratios.
// Run: npm run build && npm run bench.

import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { IptablesReferenceEngine } from '../src/engines/reference/iptables.js';
import { IptablesWasmEngine } from '../src/engines/iptables-wasm.js';
import { syntheticCluster } from '../src/gen/cluster.js';
import { syntheticFlows } from '../src/gen/flows.js';
import { compileIptables } from '../src/iptables/compile.js';

const SIZES = [100, 1_000, 10_000, 50_000] as const;
const SEED = 1;
/** Rules per timed WASM batch: ≥ 1 ms per sample even at 0.1 ns per rule. */
const WASM_RULES_PER_SAMPLE = 12_000_000;
/** The reference is ~100× slower: a smaller batch keeps samples near 10 ms. */
const REFERENCE_RULES_PER_SAMPLE = 1_500_000;

interface Row {
  readonly task: string;
  readonly n: number;
  readonly flows: number;
  readonly nsPerFlow: number;
  readonly nsPerRule: number;
  readonly samples: number;
}

function env(): void {
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores`);
  console.log(`node ${process.version}, V8 ${process.versions.v8}`);
  console.log(`date ${new Date().toISOString()}; shared machine: compare ratios from one run\n`);
}

async function measureSize(n: number): Promise<Row[]> {
  const cluster = syntheticCluster({ services: n, endpoints: { lo: 3, hi: 3 }, seed: SEED });
  const rs = compileIptables(cluster);
  // ~N/2 KUBE-SERVICES rules per hit, N for a miss, plus ~6 more in the service chains.
  const perFlow = n / 2 + 8;
  const wasmFlows = Math.max(64, Math.ceil(WASM_RULES_PER_SAMPLE / perFlow));
  const refFlows = Math.max(16, Math.ceil(REFERENCE_RULES_PER_SAMPLE / perFlow));
  const flows = syntheticFlows(cluster, 0, wasmFlows, { seed: SEED, miss: 0.05 });
  const refBatch = flows.slice(0, refFlows);

  const simd = new IptablesWasmEngine(rs, { build: 'simd', seed: SEED });
  const scalar = new IptablesWasmEngine(rs, { build: 'scalar', seed: SEED });
  const reference = new IptablesReferenceEngine(rs, { seed: SEED });
  simd.loadBatch(flows);
  scalar.loadBatch(flows);
  const rules = new Map<string, number>();
  rules.set('simd', simd.runLoadedBatch());
  rules.set('scalar', scalar.runLoadedBatch());
  rules.set('reference', reference.decide(refBatch).reduce((sum, d) => sum + d.work, 0));
  if (rules.get('simd') !== rules.get('scalar')) throw new Error(`N=${n}: SIMD and scalar evaluated different rule counts`);

  const bench = new Bench({ name: `iptables N=${n}`, time: 1500, warmupTime: 200, iterations: 10 });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  bench.add('simd', () => void simd.runLoadedBatch());
  bench.add('scalar', () => void scalar.runLoadedBatch());
  bench.add('reference', () => void reference.decide(refBatch));
  await bench.run();
  const cpu = process.cpuUsage(cpu0);
  // Below ~1.0 the box is contended: other processes took the core, and times inflate.
  const share = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  console.log(`N=${n}: process CPU / wall during the run = ${share.toFixed(2)}`);

  return bench.tasks.map((t): Row => {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`N=${n} ${t.name}: ${r.state}`);
    const count = t.name === 'reference' ? refBatch.length : flows.length;
    const ns = r.latency.p50 * 1e6;
    return { task: t.name, n, flows: count, nsPerFlow: ns / count, nsPerRule: ns / rules.get(t.name)!, samples: r.latency.samplesCount };
  });
}

async function main(): Promise<void> {
  env();
  const table: Record<string, string | number>[] = [];
  const ratios: Record<string, string | number>[] = [];
  for (const n of SIZES) {
    const rows = await measureSize(n);
    const by = (task: string): Row => rows.find((r) => r.task === task)!;
    for (const r of rows) {
      table.push({
        task: `iptables/${r.task} services=${r.n}`,
        'flows/sample': r.flows,
        'ns/flow (p50)': Number(r.nsPerFlow.toFixed(1)),
        'ns/rule (p50)': Number(r.nsPerRule.toFixed(3)),
        samples: r.samples,
      });
    }
    ratios.push({
      services: n,
      'scalar ÷ SIMD (ns/rule)': Number((by('scalar').nsPerRule / by('simd').nsPerRule).toFixed(2)),
      'reference ÷ SIMD (ns/rule)': Number((by('reference').nsPerRule / by('simd').nsPerRule).toFixed(1)),
    });
  }
  console.log('\nTime per flow and per rule evaluated (median of samples):');
  console.table(table);
  console.log('Speed-up of SIMD (how many times faster per rule evaluated):');
  console.table(ratios);
  const at10k = table.find((r) => r.task === 'iptables/simd services=10000');
  const ratio10k = ratios.find((r) => r.services === 10_000);
  if (at10k !== undefined && ratio10k !== undefined) {
    const nsRule = at10k['ns/rule (p50)'] as number;
    const vsScalar = ratio10k['scalar ÷ SIMD (ns/rule)'] as number;
    const vsRef = ratio10k['reference ÷ SIMD (ns/rule)'] as number;
    console.log(
      `goal at N=10,000: SIMD ≤ 0.4 ns/rule (${nsRule}: ${nsRule <= 0.4 ? 'met' : 'MISSED'}), ` +
        `≥ 1.5× scalar (${vsScalar}×: ${vsScalar >= 1.5 ? 'met' : 'MISSED'}), ≥ 3× reference (${vsRef}×: ${vsRef >= 3 ? 'met' : 'MISSED'})`,
    );
  }
}

await main();
